import ArgumentParser
import FapiaoCore
import FapiaoJournal
import Foundation

struct PeriodCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period",
        abstract: "Close a tax period: its paper invoices can no longer be voided.",
        discussion: """
            Under a profile whose void rule is issueMonth (paper invoices in China), an invoice may be \
            voided only within its month of issue and before that month is closed; after, a red \
            invoice reverses it. Closing is audited and cannot be undone.

            Examples:
              fapiao period close 2026-11
              fapiao period list
            """,
        subcommands: [PeriodClose.self, PeriodList.self]
    )
}

struct PeriodClose: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close tax period MONTH (YYYY-MM). Exit 73 when it is closed already.",
        discussion: """
            Examples:
              fapiao period close 2026-11
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The month to close, YYYY-MM.", valueName: "month"))
    var month: String

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            try journal.closePeriod(month, actor: actorOptions.actor(for: journal))
            emit("closed period \(month)")
        }
    }
}

struct PeriodList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the closed periods.",
        discussion: """
            Examples:
              fapiao period list
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let months = try journalOptions.open().closedPeriods().sorted()
            switch format {
            case .json: emit(CanonicalJSON.array(months.map(CanonicalJSON.string)).text)
            case .text: emit(months.isEmpty ? "no period is closed" : months.joined(separator: "\n"))
            }
        }
    }
}
