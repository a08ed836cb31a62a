import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

/// `--journal PATH`, shared by every command that touches the journal.
struct JournalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The journal file (default: $FAPIAO_JOURNAL, else $XDG_DATA_HOME/fapiao/journal.sqlite).",
            valueName: "path"
        )
    )
    var journal: String?

    var path: String { JournalLocation.resolve(explicit: journal, environment: ProcessEnvironment.value) }

    /// Opens the journal on the real clock, or on `$FAPIAO_AS_OF`'s when the journal was made with it.
    ///
    /// - Parameter connections: `.single` for a command that writes once and exits.
    /// - Returns: the open journal.
    /// - Throws: ``JournalError`` when it cannot be opened or its clock is not the one in use.
    func open(connections: Journal.Connections = .pool) throws -> Journal {
        try Self.open(journal: journal, connections: connections)
    }

    /// ``open(connections:)`` for a `--journal` value read without the argument parser.
    static func open(journal: String?, connections: Journal.Connections = .pool) throws -> Journal {
        let path = JournalLocation.resolve(explicit: journal, environment: ProcessEnvironment.value)
        let clock = try AsOfClock.fromEnvironment()
        let journal = try Journal.open(at: path, environment: clock?.environment ?? .system(), connections: connections)
        if journal.settings.simulatedClock != (clock != nil) {
            try? journal.close()
            throw JournalError(
                code: .invalidSetting,
                message: journal.settings.simulatedClock
                    ? "Journal \(path) was made with a simulated clock ($\(AsOfClock.variable)); set it to run commands on this journal."
                    : "$\(AsOfClock.variable) is set, but journal \(path) runs on the real clock; the simulated clock is only "
                        + "for journals made with it (tests and demos), never for real captures. Unset it."
            )
        }
        return journal
    }
}

/// `--remote URL`, `--token-file PATH`, `--ca-file PATH`: the remote for one run, overriding
/// the journal's settings (sync, reconcile, restore).
struct RemoteOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The remote, overriding the journal's (http://…, https://…, sqlite:PATH, postgres://…).",
            valueName: "url"
        )
    )
    var remote: String?
    @Option(help: ArgumentHelp("File holding the bearer token (mode 0600); $FAPIAO_TOKEN wins.", valueName: "path"))
    var tokenFile: String?
    @Option(
        help: ArgumentHelp(
            "PEM file of the CA an https:// remote's certificate must chain to, overriding the journal's.",
            valueName: "path"
        )
    )
    var caFile: String?
}

/// `--as NAME`: who is making the change, recorded in the audit.
struct ActorOptions: ParsableArguments {
    @Option(
        name: .customLong("as"),
        help: ArgumentHelp("Who makes the change (default: the journal's operator, else $USER).", valueName: "name")
    )
    var actor: String?

    func actor(for journal: Journal) -> String { Self.actor(actor, for: journal) }

    /// ``actor(for:)`` for an `--as` value read without the argument parser.
    static func actor(_ actor: String?, for journal: Journal) -> String {
        if let actor, !actor.isEmpty { return actor }
        if let name = journal.settings.operatorName { return name }
        return ProcessInfoEnvironment.user
    }
}

/// `--format`, for commands that print data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    case csv
}

/// `--format text|json`, for commands that print a report.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Writes a line to standard output.
func emit(_ text: String) {
    FileHandle.standardOutput.write(utf8: text + "\n")
}
