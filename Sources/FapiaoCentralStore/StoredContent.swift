import FapiaoCore
import Foundation

/// An invoice version as the central store writes it: its canonical JSON text and that text's SHA-256.
///
/// Encoding is pure and costs as much as the rest of applying an operation, so a store
/// encodes a batch before it takes the write lock, on every core (``encode(_:)``).
package struct StoredContent: Sendable {
    /// The canonical JSON of the invoice (``FapiaoCore/Invoice/canonicalJSON``).
    package var text: String
    /// The SHA-256 of `text`, in hexadecimal (``FapiaoCore/Invoice/contentHash``).
    package var hash: String

    package init(_ invoice: Invoice) {
        self.init(canonical: invoice.canonicalJSON.bytes)
    }

    /// The content of an operation's invoice, from the bytes the operation was hashed over.
    package init(_ operation: InvoiceOperation) {
        self.init(canonical: operation.payloadBytes)
    }

    private init(canonical bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        hash = Digest.sha256Hex(bytes)
    }

    /// The stored content of every operation's invoice, in order.
    package static func encode(_ operations: [InvoiceOperation]) async -> [StoredContent] {
        await prepare(operations) { StoredContent($0) }
    }

    /// `transform` applied to every operation, in order.
    ///
    /// This is the pure work of a push (encoding, validation), done before the write lock is
    /// taken. Large batches are split across the processor's cores; small ones are done in place.
    package static func prepare<T: Sendable>(
        _ operations: [InvoiceOperation],
        _ transform: @escaping @Sendable (InvoiceOperation) -> T
    ) async -> [T] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, operations.count / minimumPerWorker)
        guard workers > 1 else { return operations.map(transform) }
        let size = (operations.count + workers - 1) / workers
        return await withTaskGroup(of: (start: Int, results: [T]).self) { group in
            for start in stride(from: 0, to: operations.count, by: size) {
                let slice = operations[start..<min(start + size, operations.count)]
                group.addTask { (start, slice.map(transform)) }
            }
            var parts: [(start: Int, results: [T])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.start < $1.start }.flatMap(\.results)
        }
    }

    /// Below this many operations per core, splitting costs more than it saves.
    private static let minimumPerWorker = 128

    /// Reads a stored version back.
    /// - Throws: ``CentralStoreError`` `.damaged` when the row cannot be read.
    /// A stored invoice as HQ's number report reads it.
    package static func numberUse(id: String, content: String) throws(CentralStoreError) -> NumberReport.Use {
        let invoice = try version(id: id, clock: "{}", content: content).invoice
        return NumberReport.Use(invoice)
    }

    package static func version(id: String, clock: String, content: String) throws(CentralStoreError) -> RemoteVersion {
        guard let vector = VectorClock(parsing: clock) else {
            throw CentralStoreError(.damaged, "The central store's clock of invoice \(id) is unreadable.")
        }
        let invoice: Invoice
        do {
            invoice = try Invoice(storedText: content)
        } catch {
            throw CentralStoreError(.damaged, "The central store's version of invoice \(id) is unreadable.")
        }
        return RemoteVersion(invoice: invoice, clock: vector)
    }
}
