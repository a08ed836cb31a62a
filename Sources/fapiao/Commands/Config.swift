import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or change the journal's settings after init, each change audited.",
        discussion: """
            Keys: remote (http(s)://HOST:PORT, sqlite:PATH, postgres://USER@HOST/DB, exec:PROGRAM [ARGS]), \
            remote.tokenFile (mode 0600), remote.caFile (the PEM roots an https:// remote must chain to), operator, offlineWindowDays (1–3650), notify.interval and \
            notify.outboxAge (durations such as 30m, 1h, 1d; `fapiao notify`), and the profile's branch \
            values (singleInvoiceLimit, offline.hours, offline.count, offline.positiveAmount, \
            offline.negativeAmount; these need --reason, as with `fapiao profile set`). The node id, \
            the profile and the clock are fixed at init: the audit chain anchored at the centre and \
            every invoice's rules rest on them.

            Examples:
              fapiao config show
              fapiao config set remote https://hq.example:8443
              fapiao config set remote.tokenFile /etc/fapiao/token
              fapiao config set operator 李娜 --reason "shift change"
              fapiao config set notify.outboxAge 2h
              fapiao config set offline.hours 72 --reason "税务机关设定离线开票时限72小时"
              fapiao config unset remote
            """,
        subcommands: [ConfigShow.self, ConfigSet.self, ConfigUnset.self],
        defaultSubcommand: ConfigShow.self
    )
}

extension Config {
    /// A refusal as one line (`fapiao: …`, exit 64), nothing changed.
    static func refusal(_ message: String) -> JournalError {
        JournalError(code: .invalidSetting, message: message)
    }
}

struct ConfigShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print every setting and its value.",
        discussion: """
            Examples:
              fapiao config show
              fapiao config show --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let settings = journal.settings
            let rows: [(String, String?, String)] =
                [
                    ("node", settings.node, "fixed at init"),
                    ("profile", settings.baseProfile.name, "fixed at init; `fapiao profile show`"),
                    ("clock", settings.simulatedClock ? "simulated" : "real", "fixed at init"),
                ]
                + JournalSettingKey.allCases.map { key in
                    (key.rawValue, ConfigSet.display(key, key.value(in: settings)), "")
                }
                + Profile.branchValueKeys.map { key in
                    (
                        key, settings.profile.valueText(key),
                        settings.profileValues[key] == nil ? "the profile's" : "the branch's own"
                    )
                }
            switch format {
            case .json:
                var members: [String: CanonicalJSON] = [:]
                for (key, value, _) in rows { members[key] = .optional(value) }
                members["notifiers"] = .integer(Int64(try journal.notifiers().count))
                emit(CanonicalJSON.object(members).text)
            case .text:
                emit(table(["KEY", "VALUE", "NOTE"], rows.map { [$0.0, $0.1 ?? "-", $0.2] }))
                emit("journal \(journal.path); notifiers: \(try journal.notifiers().count) (`fapiao notify list`)")
            }
        }
    }
}

struct ConfigSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change one setting (audited).",
        discussion: """
            Examples:
              fapiao config set remote https://hq.example:8443
              fapiao config set notify.interval 4h --reason "one reminder per half day is enough"
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The setting (`fapiao config show` lists them).", valueName: "key"))
    var key: String
    @Argument(help: ArgumentHelp("Its new value.", valueName: "value"))
    var value: String
    @Option(help: ArgumentHelp("Why (kept in the audit; required for profile values).", valueName: "text"))
    var reason: String?

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let actor = actorOptions.actor(for: journal)
            if Profile.branchValueKeys.contains(key) {
                guard let reason else {
                    throw Config.refusal("--reason is required for \(key): a profile value's change says why.")
                }
                let before = journal.settings.profile.valueText(key)
                let settings = try journal.setProfileValue(key, value, reason: reason, actor: actor)
                emit("\(key): \(before) -> \(settings.profile.valueText(key))")
                return
            }
            let setting = try Self.settingKey(key)
            let change = try journal.changeSetting(
                setting,
                to: try Self.storedValue(setting, value),
                reason: reason,
                actor: actor
            )
            emit(
                "\(setting.rawValue): \(Self.display(setting, change.from) ?? "(none)") -> "
                    + "\(Self.display(setting, change.to) ?? "(none)")"
            )
        }
    }

    /// The setting `key` names, or a sentence saying which keys there are.
    static func settingKey(_ key: String) throws -> JournalSettingKey {
        if let setting = JournalSettingKey(rawValue: key) { return setting }
        if ["node", "profile", "clock"].contains(key) {
            throw Config.refusal(
                "\(key) is fixed at init (the audit chain and every invoice's rules rest on it); init a new journal instead."
            )
        }
        let keys = JournalSettingKey.allCases.map(\.rawValue) + Profile.branchValueKeys
        throw Config.refusal("\(key.prefix(40)) is not a setting; the keys are \(keys.joined(separator: ", ")).")
    }

    /// `value` as the journal keeps it: remotes and token files checked, durations in seconds.
    static func storedValue(_ key: JournalSettingKey, _ value: String) throws -> String {
        switch key {
        case .remote:
            do {
                try RemoteConnection.validate(value)
            } catch {
                throw Config.refusal("remote: \(error)")
            }
            return value
        case .tokenFile:
            _ = try SecretFile.read(value, what: "Token file")
            return URL(fileURLWithPath: value).standardizedFileURL.path
        case .noticeInterval, .noticeOutboxAge:
            guard let duration = DurationText.parse(value), duration >= .seconds(60),
                duration <= .seconds(2_592_000), duration.components.attoseconds == 0
            else {
                throw Config.refusal(
                    "\(key.rawValue) must be a whole-second duration from 1m to 30d such as 30m or 2h, not \"\(value.prefix(20))\"."
                )
            }
            return String(duration.components.seconds)
        case .caFile:
            guard FileManager.default.isReadableFile(atPath: value) else {
                throw JournalError(
                    code: .notFound,
                    message: "remote.caFile \(value) cannot be read; give the PEM file of your centre's CA."
                )
            }
            return URL(fileURLWithPath: value).standardizedFileURL.path
        case .operatorName, .offlineWindowDays:
            return value
        }
    }

    /// A stored value as a person reads it (durations as `1h`).
    static func display(_ key: JournalSettingKey, _ value: String?) -> String? {
        guard let value else { return nil }
        switch key {
        case .noticeInterval, .noticeOutboxAge:
            return Int64(value).map { DurationText.setting(.seconds($0)) } ?? value
        default:
            return value
        }
    }
}

struct ConfigUnset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unset",
        abstract: "Remove an optional setting: remote, remote.tokenFile, remote.caFile or operator (audited).",
        discussion: """
            Examples:
              fapiao config unset remote.tokenFile --reason "the token comes from $FAPIAO_TOKEN now"
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The setting.", valueName: "key"))
    var key: String
    @Option(help: ArgumentHelp("Why (kept in the audit).", valueName: "text"))
    var reason: String?

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let setting = try ConfigSet.settingKey(key)
            guard setting.isOptional else {
                throw Config.refusal("\(key) always has a value; set another with `fapiao config set \(key) VALUE`.")
            }
            let change = try journal.changeSetting(
                setting,
                to: nil,
                reason: reason,
                actor: actorOptions.actor(for: journal)
            )
            emit("\(setting.rawValue): \(change.from ?? "(none)") -> (none)")
        }
    }
}
