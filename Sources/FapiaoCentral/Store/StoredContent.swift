import FapiaoCore
import Foundation

/// An invoice version as the central store writes it: its canonical JSON text and that text's SHA-256.
///
/// Encoding is pure and costs as much as the rest of applying an operation, so a store
/// encodes a batch before it takes the write lock, on every core (``encode(_:)``).
struct StoredContent: Sendable {
    /// The canonical JSON of the invoice (``FapiaoCore/Invoice/canonicalJSON``).
    var text: String
    /// The SHA-256 of `text`, in hexadecimal (``FapiaoCore/Invoice/contentHash``).
    var hash: String

    init(_ invoice: Invoice) {
        let bytes = invoice.canonicalJSON.bytes
        text = String(decoding: bytes, as: UTF8.self)
        hash = Digest.sha256Hex(bytes)
    }

    /// The stored content of every operation's invoice, in order.
    ///
    /// Large batches are split across the processor's cores; small ones are encoded in place.
    static func encode(_ operations: [InvoiceOperation]) async -> [StoredContent] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, operations.count / minimumPerWorker)
        guard workers > 1 else { return operations.map { StoredContent($0.invoice) } }
        let size = (operations.count + workers - 1) / workers
        return await withTaskGroup(of: (start: Int, contents: [StoredContent]).self) { group in
            for start in stride(from: 0, to: operations.count, by: size) {
                let slice = operations[start..<min(start + size, operations.count)]
                group.addTask { (start, slice.map { StoredContent($0.invoice) }) }
            }
            var parts: [(start: Int, contents: [StoredContent])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.start < $1.start }.flatMap(\.contents)
        }
    }

    /// Below this many operations per core, splitting costs more than it saves.
    private static let minimumPerWorker = 128
}
