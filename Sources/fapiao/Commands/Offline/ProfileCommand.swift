import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Show the jurisdiction profile the branch invoices under, or set its own values.",
        discussion: """
            A profile is the law a branch invoices under, as data (Schema/profiles/NAME.json): the \
            single-invoice limit, offline limits, upload deadline, filing day and holidays, void rule, \
            red-invoice rules, number key, rates and tolerances, each with its source. The branch picks \
            one at `fapiao init --profile NAME` and may set its own limits (the one its tax office \
            approved, or a stricter one), each change audited with its reason.

            Examples:
              fapiao profile show
              fapiao profile show --format json
              fapiao profile list
              fapiao profile set singleInvoiceLimit 1000000.00 --reason "税务机关核定百万元版"
              fapiao profile set offline.hours 48 --reason "branch policy: upload within two days"
              fapiao profile set offline.hours profile --reason "back to the profile's value"
            """,
        subcommands: [ProfileShow.self, ProfileList.self, ProfileSet.self],
        defaultSubcommand: ProfileShow.self
    )
}

struct ProfileShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the branch's profile: every rule, its value and its source.",
        discussion: """
            Without a journal (--name), prints a built-in profile as shipped.

            Examples:
              fapiao profile show
              fapiao profile show --name pl-ksef --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Show this built-in profile instead of the journal's.", valueName: "name"))
    var name: String?
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let profile: Profile
            var values: [String: String] = [:]
            if let name {
                do {
                    profile = try Profile.builtIn(name)
                } catch let error as ProfileError {
                    throw ValidationError("--name \(name) \(error.message).")
                }
            } else {
                let journal = try journalOptions.open()
                profile = journal.settings.profile
                values = journal.settings.profileValues
            }
            let presentation = ProfilePresentation(profile: profile, branchValues: values)
            switch format {
            case .json: emit(presentation.json.text)
            case .text: presentation.lines.forEach(emit)
            }
        }
    }
}

struct ProfileList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the profiles built into fapiao.",
        discussion: """
            Examples:
              fapiao profile list
            """
    )

    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let profiles = try Profile.builtInNames.map { name throws(ProfileError) in try Profile.builtIn(name) }
            switch format {
            case .json:
                emit(
                    CanonicalJSON.array(
                        profiles.map {
                            .object([
                                "name": .string($0.name), "version": .string($0.version), "title": .string($0.title),
                            ])
                        }
                    ).text
                )
            case .text:
                emit(table(["NAME", "VERSION", "TITLE"], profiles.map { [$0.name, $0.version, $0.title] }))
            }
        }
    }
}

struct ProfileSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Set one of the branch's own profile values, audited.",
        discussion: """
            Keys: singleInvoiceLimit (the net amount every invoice must stay below), offline.hours, \
            offline.count, offline.positiveAmount, offline.negativeAmount. VALUE `none` removes the \
            limit; `profile` restores the profile's value.

            Examples:
              fapiao profile set singleInvoiceLimit 1000000.00 --reason "税务机关核定百万元版"
              fapiao profile set offline.count 200 --reason "branch policy"
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The value's key.", valueName: "key"))
    var key: String
    @Argument(help: ArgumentHelp("The new value, none, or profile.", valueName: "value"))
    var value: String
    @Option(help: ArgumentHelp("Why the value changes (kept in the audit).", valueName: "text"))
    var reason: String

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let before = journal.settings.profile.valueText(key)
            let settings = try journal.setProfileValue(
                key,
                value,
                reason: reason,
                actor: actorOptions.actor(for: journal)
            )
            emit("\(key): \(before) -> \(settings.profile.valueText(key)) (profile \(settings.profile.name))")
        }
    }
}
