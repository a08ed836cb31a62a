import ArgumentParser
import CSV
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the journal's invoices and where each stands.",
        discussion: """
            States: pending, inFlight, inDoubt, accepted, conflict, quarantined; --state voided lists voided ones.

            Examples:
              fapiao list
              fapiao list --state pending --format json
              fapiao list --format csv > invoices.csv
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(
        help: ArgumentHelp(
            "Only invoices in this state (pending, inFlight, inDoubt, accepted, conflict, quarantined, voided).",
            valueName: "state"
        )
    )
    var state: String?
    @Option(help: ArgumentHelp("At most this many invoices.", valueName: "n"))
    var limit: Int?
    @Option(help: ArgumentHelp("table, json (one object per line) or csv.", valueName: "format"))
    var format: OutputFormat = .table

    func validate() throws {
        if let state, state != "voided", SyncState(rawValue: state) == nil {
            throw ValidationError(
                "--state must be one of \((SyncState.allCases.map(\.rawValue) + ["voided"]).joined(separator: ", ")), not \"\(state)\"."
            )
        }
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative.") }
    }

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let filter: InvoiceFilter =
                switch state {
                case nil: .all
                case "voided": .voided
                case let state?: .state(SyncState(rawValue: state) ?? .pending)
                }
            let records = try journal.invoices(filter, limit: limit)
            switch format {
            case .table:
                if records.isEmpty {
                    printNote("no invoices" + (state.map { " in state \($0)" } ?? ""))
                } else {
                    emit(table(InvoicePresentation.tableHeader, records.map(InvoicePresentation.tableRow)))
                }
            case .json:
                for record in records { emit(InvoicePresentation.json(record).text) }
            case .csv:
                let stream = OutputStream(toMemory: ())
                let writer = try CSVWriter(stream: stream)
                try writer.write(row: InvoicePresentation.csvHeader)
                for record in records { try writer.write(row: InvoicePresentation.csvRow(record)) }
                writer.stream.close()
                if let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data {
                    FileHandle.standardOutput.write(data)
                    FileHandle.standardOutput.write(utf8: "\n")
                }
            }
        }
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one invoice in full, with its operations and audit entries.",
        discussion: """
            ID may be the full id, its first characters (as `list` shows them), or the invoice number.

            Examples:
              fapiao show 0B7C3A4E
              fapiao show 26110000000000000001 --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: ArgumentHelp("Invoice id, id prefix or number.", valueName: "id"))
    var id: String
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let record = try journal.invoice(id)
            switch format {
            case .json:
                emit(InvoicePresentation.json(record).text)
            case .text:
                emit(InvoicePresentation.details(record))
                let operations = try journal.operations(of: record.invoice.id)
                emit("\noperations:")
                emit(
                    table(
                        ["OP", "KIND", "STATUS", "CLOCK"],
                        operations.map { [String($0.id.prefix(8)), $0.kind, $0.status, $0.clock] }
                    )
                )
                let entries = try journal.auditEntries(invoiceID: record.invoice.id)
                emit("\naudit:")
                emit(table(AuditPresentation.header, entries.map(AuditPresentation.row)))
            }
        }
    }
}
