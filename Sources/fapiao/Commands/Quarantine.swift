import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct Quarantine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Review and requeue invoices the remote refused.",
        discussion: """
            An invoice is quarantined when the remote rejects it (with the remote's reason), or when \
            an operation got no answer too many times. Other invoices keep syncing meanwhile. \
            Fix it with `fapiao amend`, then `fapiao quarantine requeue ID`: the fix is sent in place \
            of the refused version. Without an amend, requeue re-sends the same operation (for a \
            problem fixed at the remote).

            Examples:
              fapiao quarantine list
              fapiao quarantine show 3f2a
              fapiao amend 3f2a --seller-tax-id 91350100M000100Y43 && fapiao quarantine requeue 3f2a
            """,
        subcommands: [QuarantineList.self, QuarantineShow.self, QuarantineRequeue.self],
        defaultSubcommand: QuarantineList.self
    )
}

struct QuarantineList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List quarantined operations, oldest first.",
        discussion: """
            Examples:
              fapiao quarantine list
              fapiao quarantine list --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let entries = try journalOptions.open().quarantine()
            switch format {
            case .json:
                emit(CanonicalJSON.array(entries.map(QuarantineList.json)).text)
            case .text:
                if entries.isEmpty {
                    emit("nothing is quarantined")
                    return
                }
                emit(
                    table(
                        ["INVOICE", "NUMBER", "SELLER", "GROSS", "OP", "SINCE", "REASON"],
                        entries.map {
                            [
                                String($0.invoiceID.uuidText.prefix(8)), $0.number,
                                truncated($0.sellerName, width: 16),
                                $0.gross, $0.operationKind, String($0.since.description.prefix(16)),
                                truncated($0.reason, width: 60),
                            ]
                        }
                    )
                )
            }
        }
    }

    static func json(_ entry: QuarantineEntry) -> CanonicalJSON {
        .object([
            "invoiceID": .string(entry.invoiceID.uuidText),
            "number": .string(entry.number),
            "seller": .string(entry.sellerName),
            "gross": .string(entry.gross),
            "opID": .string(entry.operationID.uuidText),
            "opKind": .string(entry.operationKind),
            "reason": .string(entry.reason),
            "attempts": .integer(Int64(entry.attempts)),
            "since": .string(entry.since.description),
            "waitingChanges": .integer(Int64(entry.waitingChanges)),
        ])
    }
}

struct QuarantineShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show why an invoice is quarantined, with the invoice.",
        discussion: """
            Examples:
              fapiao quarantine show 3f2a
              fapiao quarantine show 26110000000000000001 --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: ArgumentHelp("Invoice id, id prefix (4+ characters) or number.", valueName: "id"))
    var reference: String
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let record = try journal.invoice(reference)
            let entries = try journal.quarantine().filter { $0.invoiceID == record.invoice.id }
            guard !entries.isEmpty else {
                throw JournalError(
                    code: .invalidChange,
                    message:
                        "Invoice \(record.invoice.id.uuidText.prefix(8)) is not quarantined (it is \(record.stateText))."
                )
            }
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "invoice": record.invoice.canonicalJSON,
                        "quarantined": .array(entries.map(QuarantineList.json)),
                    ]).text
                )
            case .text:
                for entry in entries {
                    emit(
                        "operation \(entry.operationID.uuidText) (\(entry.operationKind)), quarantined \(entry.since)"
                    )
                    emit("  reason   \(entry.reason)")
                    emit("  attempts \(entry.attempts)")
                    if entry.waitingChanges > 0 {
                        emit("  \(entry.waitingChanges) later change(s) wait; requeue sends them in its place")
                    }
                }
                emit("")
                emit(InvoicePresentation.details(record))
            }
        }
    }
}

struct QuarantineRequeue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requeue",
        abstract: "Put a quarantined invoice back in the outbox.",
        discussion: """
            If the invoice was amended after it was quarantined, the amendment is sent in place of \
            the refused version; otherwise the same operation is sent again (same id). The next \
            `fapiao sync` sends it.

            Examples:
              fapiao quarantine requeue 3f2a
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("Invoice id, id prefix (4+ characters) or number.", valueName: "id"))
    var reference: String
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let receipt = try journal.requeue(reference, actor: actorOptions.actor(for: journal))
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "invoiceID": .string(receipt.invoiceID.uuidText),
                        "requeued": .array(receipt.requeued.map { .string($0.uuidText) }),
                        "superseded": .array(receipt.superseded.map { .string($0.uuidText) }),
                    ]).text
                )
            case .text:
                let id = receipt.invoiceID.uuidText.prefix(8)
                if receipt.superseded.isEmpty {
                    emit("requeued invoice \(id): the same operation is sent again on the next sync")
                } else {
                    emit(
                        "requeued invoice \(id): its amendment is sent on the next sync in place of the refused version"
                    )
                }
            }
        }
    }
}
