import FapiaoCore
import FapiaoJournal
import Foundation

/// The operations a branch journal would push, read from its outbox, and the central rows they become.
///
/// Reading the journal's outbox (rather than making operations from the input file) gives the
/// benchmarks exactly what `fapiao sync` sends: the same operation ids, clocks, payloads and
/// hashes.
struct CentralWorkload {
    /// The branch that captured the operations.
    var node: String
    /// Every unanswered operation of the journal, in journal order.
    var operations: [InvoiceOperation]

    /// Reads every pending, in-flight and in-doubt operation of the journal at `path`.
    ///
    /// The journal is opened read-only and left as it was.
    init(journalAt path: String) throws {
        let journal = try Journal.open(at: path)
        defer { try? journal.close() }
        node = journal.settings.node
        var operations: [InvoiceOperation] = []
        var cursor = try journal.outboxStart()
        while true {
            let batch = try journal.outboxBatch(after: cursor, limit: 5_000)
            guard let last = batch.last else { break }
            operations.append(contentsOf: try batch.map { try $0.operation.decoded() })
            cursor = last.sequence
        }
        guard !operations.isEmpty else {
            throw BenchFailure(message: "the journal \(path) has no queued operations to push")
        }
        self.operations = operations
    }

    /// A `central_invoice` row as ``CentralRows`` inserts it.
    struct InvoiceRow {
        var id: String
        var branch: String
        var sellerTaxID: String
        var code: String
        var number: String
        var clock: String
        var content: String
        var contentHash: String
        var voided: Int64
    }

    /// A `central_operation` row.
    struct OperationRow {
        var id: String
        var invoiceID: String
        var kind: String
        var hash: String
        var clock: String
    }

    /// The rows the central store writes for each operation, with every value computed the
    /// way `SQLiteCentralStore` computes it (canonical JSON content, its SHA-256, the clock's
    /// canonical text), so that the ceiling inserts the same bytes.
    func rows() -> [(invoice: InvoiceRow, operation: OperationRow)] {
        operations.map { operation in
            let invoice = operation.invoice
            let bytes = invoice.canonicalJSON.bytes
            let clock = operation.clock.description
            let invoiceID = operation.invoiceID.uuidString
            return (
                InvoiceRow(
                    id: invoiceID,
                    branch: invoice.branch,
                    sellerTaxID: invoice.seller.taxID,
                    code: invoice.code ?? "",
                    number: invoice.number,
                    clock: clock,
                    content: String(decoding: bytes, as: UTF8.self),
                    contentHash: Digest.sha256Hex(bytes),
                    voided: invoice.void == nil ? 0 : 1
                ),
                OperationRow(
                    id: operation.id.uuidString,
                    invoiceID: invoiceID,
                    kind: operation.kind.rawValue,
                    hash: operation.hash,
                    clock: clock
                )
            )
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
