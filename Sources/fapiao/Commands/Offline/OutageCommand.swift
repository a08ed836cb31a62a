import ArgumentParser
import FapiaoCore
import FapiaoJournal
import Foundation

struct OutageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outage",
        abstract: "Declare when the central system is down, and when it is back.",
        discussion: """
            Invoices captured while an outage is open belong to it: they count against the profile's \
            offline limits (hours, count, amounts; a capture past one is refused, 80 % warns), and \
            their upload deadlines run from the outage's end (`fapiao profile show`). `fapiao sync` \
            opens one itself when the remote cannot be reached and ends the ones it opened when the \
            remote answers; one a person opened, a person ends.

            Examples:
              fapiao outage start
              fapiao outage start --mode awaria --notice "BIP komunikat 2026-11-20"
              fapiao outage status
              fapiao outage end
              fapiao outage list --format json
            """,
        subcommands: [OutageStart.self, OutageEnd.self, OutageStatus.self, OutageList.self],
        defaultSubcommand: OutageStatus.self
    )

    static func json(_ outage: OutageRecord) -> CanonicalJSON {
        .object([
            "id": .integer(outage.id),
            "startedAt": .string(outage.startedAt.description),
            "endedAt": .optional(outage.endedAt?.description),
            "mode": .string(outage.mode),
            "notice": .optional(outage.notice),
            "openedBy": .string(outage.openedBy),
            "closedBy": .optional(outage.closedBy),
            "invoices": .integer(Int64(outage.tally.count)),
            "positiveGross": .string(DecimalText.format(outage.tally.positiveGross, scale: 2)),
            "negativeGross": .string(DecimalText.format(outage.tally.negativeGross, scale: 2)),
        ])
    }

    static func line(_ outage: OutageRecord) -> String {
        let span = outage.endedAt.map { "\(outage.startedAt) to \($0)" } ?? "open since \(outage.startedAt)"
        return "outage \(outage.id) (\(outage.mode)\(outage.notice.map { ", notice \($0)" } ?? "")): \(span); "
            + "\(outage.tally.count) invoice(s), blue \(DecimalText.format(outage.tally.positiveGross, scale: 2)), "
            + "red \(DecimalText.format(outage.tally.negativeGross, scale: 2))"
    }
}

struct OutageStart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Open an outage: captures from now on belong to it.",
        discussion: """
            Exit 65 when one is open already.

            Examples:
              fapiao outage start
              fapiao outage start --mode offline24
              fapiao outage start --mode awaria --notice "BIP komunikat 2026-11-20"
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Option(
        help: ArgumentHelp(
            "What kind of outage (the profile's mode name, e.g. offline24 or awaria).",
            valueName: "mode"
        )
    )
    var mode: String = "outage"
    @Option(help: ArgumentHelp("The authority's announcement of the failure, if any.", valueName: "ref"))
    var notice: String?
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let outage = try journal.startOutage(mode: mode, notice: notice, actor: actorOptions.actor(for: journal))
            switch format {
            case .json: emit(OutageCommand.json(outage).text)
            case .text:
                emit("started \(OutageCommand.line(outage))")
                let limits = journal.settings.profile.offline
                let parts = [
                    limits.hours.map { "\($0) hours" }, limits.count.map { "\($0) invoices" },
                    limits.positiveAmount.map { "\(DecimalText.format($0, scale: 2)) blue gross" },
                    limits.negativeAmount.map { "\(DecimalText.format($0, scale: 2)) red gross" },
                ].compactMap { $0 }
                emit(
                    "limits    "
                        + (parts.isEmpty
                            ? "none in profile \(journal.settings.profile.name)"
                            : parts.joined(separator: ", ") + " (profile \(journal.settings.profile.name))")
                )
            }
        }
    }
}

struct OutageEnd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "end",
        abstract: "End the open outage; its invoices' upload deadlines run from now.",
        discussion: """
            Prints the upload deadline of the outage's invoices under the profile. Exit 66 when no \
            outage is open.

            Examples:
              fapiao outage end
              fapiao outage end --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            guard let outage = try journal.endOutage(actor: actorOptions.actor(for: journal)) else {
                throw JournalError(code: .notFound, message: "No outage is open; nothing was changed.")
            }
            let profile = journal.settings.profile
            let deadline: UTCTimestamp? =
                switch profile.uploadDeadline {
                case .hoursAfterOutageEnd, .businessDaysAfterOutageEnd:
                    OfflineRules.uploadDeadline(
                        issueDate: CalendarDate(at: outage.startedAt, in: profile.timeZone),
                        capturedAt: outage.startedAt,
                        outage: outage.window,
                        profile: profile
                    )
                case .businessDaysAfterIssue, .filingDay: nil
                }
            switch format {
            case .json:
                var json = OutageCommand.json(outage)
                if case .object(var members) = json {
                    members["uploadDeadline"] = .optional(deadline?.description)
                    json = .object(members)
                }
                emit(json.text)
            case .text:
                emit("ended \(OutageCommand.line(outage))")
                if let deadline {
                    emit(
                        "upload    its invoices by \(deadline.localText(in: profile.timeZone)) (\(profile.uploadDeadline.description))"
                    )
                } else {
                    emit("upload    each invoice by \(profile.uploadDeadline.description); see `fapiao status`")
                }
            }
        }
    }
}

struct OutageStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the open outage and how much of the profile's offline limits it has used.",
        discussion: """
            Examples:
              fapiao outage status
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let outage = try journal.openOutage()
            switch format {
            case .json: emit((outage.map(OutageCommand.json) ?? .null).text)
            case .text: emit(outage.map(OutageCommand.line) ?? "no outage is open")
            }
        }
    }
}

struct OutageList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List outages, latest first.",
        discussion: """
            Examples:
              fapiao outage list
              fapiao outage list --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let outages = try journalOptions.open().outages()
            switch format {
            case .json: emit(CanonicalJSON.array(outages.map(OutageCommand.json)).text)
            case .text:
                if outages.isEmpty { emit("no outage recorded") }
                outages.map(OutageCommand.line).forEach(emit)
            }
        }
    }
}
