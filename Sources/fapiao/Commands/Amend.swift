import ArgumentParser
import FapiaoCore
import FapiaoJournal
import Foundation

struct Amend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend",
        abstract: "Correct an invoice: a new version, queued and audited.",
        discussion: """
            The given fields replace the current ones (an empty value clears an optional field) and the \
            whole invoice is validated again. With --json, the document's fields replace the current ones \
            and its lines, if any, replace all lines. A voided invoice cannot be amended.

            Examples:
              fapiao amend 0B7C3A4E --buyer-name 北京客户股份有限公司
              fapiao amend 0B7C3A4E --note "" --as 王芳
              fapiao show 0B7C3A4E --format json > inv.json; $EDITOR inv.json; fapiao amend 0B7C3A4E --json inv.json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("Invoice id, id prefix or number.", valueName: "id"))
    var id: String
    @Option(
        help: ArgumentHelp("Read the changed fields as JSON from a file, or - for standard input.", valueName: "file")
    )
    var json: String?
    @OptionGroup var fields: InvoiceFieldOptions
    @OptionGroup var overrides: OverrideOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        if json != nil, !fields.fields.isEmpty {
            throw ValidationError("Give the changes either as --json or as field flags, not both.")
        }
    }

    func run() throws {
        // Checked here, not in validate(): the parser names an unknown option only after validate()
        // passes, and "give at least one field" would hide the misspelt flag that was the only one given.
        if json == nil, fields.fields.isEmpty {
            throw ValidationError("Give at least one field to change, e.g. --buyer-name NAME; see --help.")
        }
        try reportingErrors {
            let journal = try journalOptions.open()
            let changes = try json.map(readInvoiceJSON) ?? InvoiceInput(fields: fields.fields)
            let receipt = try journal.amend(
                id,
                changes: changes,
                options: CaptureOptions(
                    actor: actorOptions.actor(for: journal),
                    source: "cli",
                    acceptBadCheckCharacters: overrides.acceptBadCheckCharacter,
                    overrideReason: overrides.overrideReason
                )
            )
            printChange("amended", receipt, format: format)
        }
    }
}

struct VoidInvoice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Void (作废) an invoice: a new version carrying the reason, queued and audited.",
        discussion: """
            Examples:
              fapiao void 0B7C3A4E --reason "buyer cancelled the order"
              fapiao void 26110000000000000001 --reason "issued twice" --as 王芳
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("Invoice id, id prefix or number.", valueName: "id"))
    var id: String
    @Option(help: ArgumentHelp("Why the invoice is voided (required, recorded in the audit).", valueName: "text"))
    var reason: String
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let receipt = try journal.void(
                id,
                reason: reason,
                options: CaptureOptions(actor: actorOptions.actor(for: journal), source: "cli")
            )
            printChange("voided", receipt, format: format)
        }
    }
}

func printChange(_ verb: String, _ receipt: ChangeReceipt, format: ReportFormat) {
    switch format {
    case .json:
        emit(
            CanonicalJSON.object([
                "id": .string(receipt.invoice.id.uuidText),
                "operationID": .string(receipt.operationID.uuidText),
                "clock": receipt.clock.canonicalJSON,
                "changedFields": .array(receipt.changedFields.map(CanonicalJSON.string)),
            ]).text
        )
    case .text:
        emit(
            "\(verb) \(receipt.invoice.id.uuidText)  changed \(receipt.changedFields.joined(separator: ", "))  clock \(receipt.clock)  pending"
        )
    }
}
