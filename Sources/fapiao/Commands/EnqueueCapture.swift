import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

/// One `fapiao enqueue` once its command line is read: by the argument parser (``Enqueue``), or,
/// for the line a script runs per invoice, by ``QuickEnqueueLine`` without it.
struct EnqueueCapture {
    var journal: String?
    var actor: String?
    var json: String?
    var fields: [String: String] = [:]
    var acceptBadCheckCharacter = false
    var outsideSeries = false
    var overrideReason: String?
    var format: ReportFormat
    /// Asks for the invoice on the terminal instead of reading `json` or `fields`, when set.
    var ask: ((Journal, CaptureOptions) throws -> InvoiceInput)?

    /// Captures the invoice and prints the receipt; an error is printed as one line and thrown as
    /// its exit code (``reportingErrors(_:)``).
    func run() throws {
        _ = try capture()
    }

    /// ``run()``, giving back the journal, still open.
    private func capture() throws -> Journal {
        try reportingErrors {
            // One connection: a capture reads, writes once and exits (an interview asks first).
            let journal = try JournalOptions.open(journal: self.journal, connections: .single)
            let options = CaptureOptions(
                actor: ActorOptions.actor(actor, for: journal),
                source: json == nil ? "cli" : "json",
                acceptBadCheckCharacters: acceptBadCheckCharacter,
                acceptOutsideSeries: outsideSeries,
                overrideReason: overrideReason
            )
            let input =
                try ask.map { try $0(journal, options) }
                ?? json.map(readInvoiceJSON) ?? InvoiceInput(fields: fields)
            let receipt = try journal.capture(input, options: options)
            let deadline = journal.uploadDeadline(for: receipt)
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "id": .string(receipt.invoice.id.uuidText),
                        "operationID": .string(receipt.operationID.uuidText),
                        "state": .string(SyncState.pending.rawValue),
                        "clock": receipt.clock.canonicalJSON,
                        "uploadDeadline": .optional(deadline?.description),
                        "warnings": .array(receipt.warnings.map(CanonicalJSON.string)),
                    ]).text
                )
            case .text:
                emit(
                    "captured \(receipt.invoice.id.uuidText)  number \(receipt.invoice.number)  "
                        + "gross \(receipt.invoice.gross)  pending  upload by "
                        + (deadline?.localText(in: journal.settings.profile.timeZone)
                            ?? "\(journal.settings.profile.uploadDeadline.description)")
                )
            }
            for warning in receipt.warnings { printNote("warning: \(warning)") }
            return journal
        }
    }

    /// Runs ``QuickEnqueueLine``'s capture and exits as the argument parser's `main` would: 0, or
    /// the error's exit code (already printed by ``run()``).
    static func runAndExit(_ line: QuickEnqueueLine) -> Never {
        do {
            let journal = try EnqueueCapture(line).capture()
            // The process ends here: close the journal as its deinitializer would (folding the WAL
            // into the file, renewing the seal) and exit with it still referenced. That spares
            // GRDB's deinitializers, which only unregister notification observers: 2 million
            // instructions of dynamic casts, for a process about to end.
            journal.closeFoldingWriteAheadLog()
            withExtendedLifetime(journal) { Foundation.exit(0) }
        } catch {
            Fapiao.exit(withError: error)
        }
    }
}

extension EnqueueCapture {
    /// The capture of ``QuickEnqueueLine``'s line. (In an extension, so that the struct keeps
    /// the memberwise initializer ``Enqueue`` uses.)
    init(_ line: QuickEnqueueLine) {
        self.init(journal: line.journal, actor: line.actor, json: line.json, format: line.jsonReport ? .json : .text)
    }
}
