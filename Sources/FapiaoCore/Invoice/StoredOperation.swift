import Foundation

/// An operation as the journal keeps it and the wire carries it: its parts and its invoice's
/// canonical bytes, checked against its hash, the invoice not read back.
///
/// A sync over HTTP or to a site's program sends the stored bytes as they are, and the centre
/// reads and judges the invoice: the branch has no need to decode every queued invoice first
/// (reading one back cost about 12 % of the branch's instructions per operation). Whoever needs
/// the invoice itself (a store written to in process, a dry run, a conflict's message) calls
/// ``decoded()``, which can fail: a payload forged together with its hash need not be an invoice.
public struct StoredOperation: Hashable, Sendable {
    public let id: UUID
    public let invoiceID: UUID
    public let kind: InvoiceOperation.Kind
    /// The invoice's clock after the change.
    public let clock: VectorClock
    /// ``InvoiceOperation/hash``: SHA-256 over kind, invoice id, clock and payload.
    public let hash: String
    /// The canonical encoding of the invoice version after the change, as hashed.
    public let payloadBytes: [UInt8]

    /// An operation read from storage, or `nil` when its parts do not give `hash`.
    public init?(
        id: UUID,
        invoiceID: UUID,
        kind: InvoiceOperation.Kind,
        clock: VectorClock,
        payloadBytes: [UInt8],
        hash: String
    ) {
        let envelope = InvoiceOperation.envelope(
            kind: kind,
            invoiceID: invoiceID,
            clock: clock,
            payloadBytes: payloadBytes
        )
        guard Digest.sha256Hex(envelope) == hash else { return nil }
        self.init(id: id, invoiceID: invoiceID, kind: kind, clock: clock, hash: hash, payloadBytes: payloadBytes)
    }

    /// The parts of an operation whose hash is known to hold.
    init(
        id: UUID,
        invoiceID: UUID,
        kind: InvoiceOperation.Kind,
        clock: VectorClock,
        hash: String,
        payloadBytes: [UInt8]
    ) {
        self.id = id
        self.invoiceID = invoiceID
        self.kind = kind
        self.clock = clock
        self.hash = hash
        self.payloadBytes = payloadBytes
    }

    /// The canonical payload as text.
    public var payloadText: String { String(decoding: payloadBytes, as: UTF8.self) }

    /// The operation with its invoice read from the payload (in the form this version writes, or
    /// an earlier one, as ``Invoice/init(storedText:)`` reads it).
    ///
    /// - Throws: ``UnreadableInvoice`` when the payload is not an invoice, or is another invoice's.
    public func decoded() throws(UnreadableInvoice) -> InvoiceOperation {
        let invoice: Invoice
        do {
            invoice = try Invoice(storedText: payloadText)
        } catch {
            throw UnreadableInvoice(operationID: id, problem: "\(error)")
        }
        guard invoice.id == invoiceID else {
            throw UnreadableInvoice(operationID: id, problem: "its payload is invoice \(invoice.id.uuidText)")
        }
        return InvoiceOperation(stored: self, invoice: invoice)
    }

    /// Why a stored operation's invoice could not be read back.
    public struct UnreadableInvoice: Error, Hashable, Sendable, CustomStringConvertible {
        public var operationID: UUID
        /// What is wrong with the payload, for a person.
        public var problem: String
        public var description: String {
            "the invoice of operation \(operationID.uuidText) cannot be read: \(problem)"
        }
    }
}

extension InvoiceOperation {
    /// The operation as stored and sent: its parts and its payload bytes.
    public var stored: StoredOperation {
        StoredOperation(id: id, invoiceID: invoiceID, kind: kind, clock: clock, hash: hash, payloadBytes: payloadBytes)
    }
}
