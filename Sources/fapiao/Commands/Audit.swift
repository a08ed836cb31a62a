import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read and verify the journal's tamper-evident audit chain.",
        subcommands: [Log.self, Verify.self, Export.self, VerifyExport.self]
    )

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print audit entries in order.",
            discussion: """
                CSV has a header and the columns of `fapiao audit export` (CRLF line ends, no byte-order \
                mark on standard output).

                Examples:
                  fapiao audit log
                  fapiao audit log --invoice 0B7C3A4E
                  fapiao audit log --format json | jq 'select(.event == "voided")'
                  fapiao audit log --format csv > audit.csv
                """
        )

        @OptionGroup var journalOptions: JournalOptions
        @Option(help: ArgumentHelp("Only the entries of this invoice (id, id prefix or number).", valueName: "id"))
        var invoice: String?
        @Option(help: ArgumentHelp("At most this many entries.", valueName: "n"))
        var limit: Int?
        @Option(help: ArgumentHelp("table, json (one object per line) or csv.", valueName: "format"))
        var format: OutputFormat = .table

        func run() throws {
            try reportingErrors {
                let journal = try journalOptions.open()
                let invoiceID = try invoice.map { try journal.invoice($0).invoice.id }
                let entries = try journal.auditEntries(invoiceID: invoiceID, limit: limit)
                switch format {
                case .json:
                    for entry in entries { emit(AuditPresentation.json(entry).text) }
                case .csv:
                    let rows = entries.enumerated().map { AuditExportRow(row: $0.offset + 1, entry: $0.element) }
                    FileHandle.standardOutput.write(Data(AuditExportFormat.csv.encode(rows, byteOrderMark: false)))
                case .table:
                    emit(table(AuditPresentation.header, entries.map(AuditPresentation.row)))
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and check every operation and invoice against it.",
            discussion: """
                Exits 0 when intact; 70 naming the first broken entry when not.

                Examples:
                  fapiao audit verify
                  fapiao audit verify --format json
                """
        )

        @OptionGroup var journalOptions: JournalOptions
        @Option(help: ArgumentHelp("Output format.", valueName: "format"))
        var format: ReportFormat = .text

        func run() throws {
            let result = try reportingErrors { try journalOptions.open().verifyAudit() }
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "intact": .bool(result.isIntact),
                        "entries": .integer(Int64(result.entriesChecked)),
                        "operations": .integer(Int64(result.operationsChecked)),
                        "invoices": .integer(Int64(result.invoicesChecked)),
                        "head": .string(result.head),
                        "problem": .optional(result.problem),
                        "brokenSequence": result.brokenSequence.map(CanonicalJSON.integer) ?? .null,
                    ]).text
                )
            case .text:
                if result.isIntact {
                    emit(
                        "audit chain intact: \(result.entriesChecked.grouped) entries, \(result.operationsChecked.grouped) operations, "
                            + "\(result.invoicesChecked.grouped) invoices checked; head \(result.head.prefix(16))"
                    )
                }
            }
            if let problem = result.problem {
                printError("Audit verification failed: \(problem); restore the journal from a backup and report it.")
                throw ExitCode(ExitStatus.damaged)
            }
        }
    }
}

enum AuditPresentation {
    static let header = ["SEQ", "TIME (UTC)", "NODE", "ACTOR", "EVENT", "INVOICE", "CLOCK", "DETAILS"]

    static func row(_ entry: AuditEntry) -> [String] {
        [
            String(entry.sequence), entry.wallTime.description, entry.node, entry.actor, entry.event.rawValue,
            entry.invoiceID.map { String($0.uuidString.prefix(8)) } ?? "-", entry.clock.description,
            truncated(entry.detailsText, width: 60),
        ]
    }

    static func json(_ entry: AuditEntry) -> CanonicalJSON {
        let details =
            (try? JSONValue.parse(entry.detailsText)).map(CanonicalJSON.init(json:)) ?? .string(entry.detailsText)
        return .object([
            "sequence": .integer(entry.sequence),
            "wallTime": .string(entry.wallTime.description),
            "node": .string(entry.node),
            "actor": .string(entry.actor),
            "event": .string(entry.event.rawValue),
            "invoiceID": .optional(entry.invoiceID?.uuidString),
            "operationID": .optional(entry.operationID?.uuidString),
            "clock": entry.clock.canonicalJSON,
            "details": details,
            "previousHash": .string(entry.previousHash),
            "hash": .string(entry.hash),
        ])
    }
}
