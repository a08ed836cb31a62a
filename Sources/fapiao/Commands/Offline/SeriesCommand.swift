import ArgumentParser
import FapiaoCore
import FapiaoJournal
import Foundation

struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "The number ranges assigned to the branch.",
        discussion: """
            Once a branch has series of a type, a capture of that type whose number lies outside \
            them is refused (exit 65) unless given --outside-series with --override-reason (audited). \
            `fapiao numbers` reports each series' gaps, duplicates and dates out of order.

            Examples:
              fapiao series add --type ordinary --code 011002600111 --from 00000001 --to 00000500
              fapiao series add --type digitalOrdinary --from 26110000000000000001 --to 26110000000000001000
              fapiao series list
            """,
        subcommands: [SeriesAdd.self, SeriesList.self],
        defaultSubcommand: SeriesList.self
    )
}

struct SeriesAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Assign a range of numbers to the branch (audited).",
        discussion: """
            Exit 64 for a malformed range or one overlapping another series of the same type and code.

            Examples:
              fapiao series add --type ordinary --code 011002600111 --from 00000001 --to 00000500
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Option(help: ArgumentHelp("The invoice type (\(InvoiceType.listText)).", valueName: "type"))
    var type: String
    @Option(help: ArgumentHelp("The 发票代码 of a legacy series.", valueName: "code"))
    var code: String?
    @Option(help: ArgumentHelp("The first number.", valueName: "number"))
    var from: String
    @Option(help: ArgumentHelp("The last number.", valueName: "number"))
    var to: String

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let series = try journal.addSeries(
                type: type,
                code: code,
                first: from,
                last: to,
                actor: actorOptions.actor(for: journal)
            )
            emit("added series \(series.id): \(series.type.rawValue) \(series.rangeText)")
        }
    }
}

struct SeriesList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the branch's series.",
        discussion: """
            Examples:
              fapiao series list --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let series = try journalOptions.open().series()
            switch format {
            case .json:
                emit(
                    CanonicalJSON.array(
                        series.map {
                            .object([
                                "id": .integer($0.id), "type": .string($0.type.rawValue), "code": .string($0.code),
                                "first": .string($0.first), "last": .string($0.last),
                            ])
                        }
                    ).text
                )
            case .text:
                if series.isEmpty { emit("no series assigned") }
                for one in series { emit("\(one.id)  \(one.type.rawValue)  \(one.rangeText)") }
            }
        }
    }
}
