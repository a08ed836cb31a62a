import ArgumentParser
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

    var path: String { JournalLocation.resolve(explicit: journal, environment: ProcessInfo.processInfo.environment) }

    func open() throws -> Journal { try Journal.open(at: path) }
}

/// `--as NAME`: who is making the change, recorded in the audit.
struct ActorOptions: ParsableArguments {
    @Option(
        name: .customLong("as"),
        help: ArgumentHelp("Who makes the change (default: the journal's operator, else $USER).", valueName: "name")
    )
    var actor: String?

    func actor(for journal: Journal) -> String {
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
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
