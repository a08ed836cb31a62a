import Foundation

/// One change to one invoice, as it travels from the outbox to the centre.
///
/// The operation id is minted once, when the change is made, and never again: a retry
/// after a lost reply sends the same id with the same hash, which the centre recognises
/// as a duplicate. The payload is the whole invoice version after the change, so the
/// centre never has to replay a history to know the current state.
/// (Named so, not `Operation`, to stay clear of Foundation's `Operation` class.)
public struct InvoiceOperation: Hashable, Sendable {
    /// What the change was.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case create
        case amend
        case void
        /// A conflict resolution: its clock dominates both conflicting versions.
        case resolve
    }

    public var id: UUID
    public var invoiceID: UUID
    public var kind: Kind
    /// The invoice's clock after the change.
    public var clock: VectorClock
    /// The invoice version after the change.
    public var invoice: Invoice
    /// SHA-256 over kind, invoice id, clock and payload: same id + same hash = same operation.
    public let hash: String
    /// The canonical encoding of ``invoice``, as hashed: stored and sent as is, never re-encoded.
    public let payloadBytes: [UInt8]

    /// Creates an operation and computes its hash.
    ///
    /// - Parameters:
    ///   - id: the operation id, minted once.
    ///   - kind: what the change was.
    ///   - clock: the invoice's clock after the change.
    ///   - invoice: the invoice version after the change.
    ///   - payload: `invoice.canonicalJSON`, when the caller has it already.
    public init(id: UUID, kind: Kind, clock: VectorClock, invoice: Invoice, payload: CanonicalJSON? = nil) {
        self.init(
            id: id,
            kind: kind,
            clock: clock,
            invoice: invoice,
            canonicalPayload: payload?.bytes ?? invoice.canonicalBytes
        )
    }

    /// Creates an operation from its invoice and that invoice's canonical encoding, as stored
    /// in a journal; the bytes are trusted to be ``Invoice/canonicalJSON`` of `invoice`.
    public init(id: UUID, kind: Kind, clock: VectorClock, invoice: Invoice, canonicalPayload: [UInt8]) {
        self.id = id
        self.invoiceID = invoice.id
        self.kind = kind
        self.clock = clock
        self.invoice = invoice
        self.payloadBytes = canonicalPayload
        self.hash = Digest.sha256Hex(
            Self.envelope(kind: kind, invoiceID: invoice.id, clock: clock, payloadBytes: canonicalPayload)
        )
    }

    /// A stored operation with its invoice read back from its payload: the hash is the one
    /// stored, already checked against the parts (``StoredOperation/init(id:invoiceID:kind:clock:payloadBytes:hash:)``).
    init(stored: StoredOperation, invoice: Invoice) {
        self.id = stored.id
        self.invoiceID = stored.invoiceID
        self.kind = stored.kind
        self.clock = stored.clock
        self.invoice = invoice
        self.payloadBytes = stored.payloadBytes
        self.hash = stored.hash
    }

    /// The canonical encoding of `{"clock","invoiceID","kind","payload"}` (keys in byte
    /// order), built around payload bytes that are already canonical.
    static func envelope(kind: Kind, invoiceID: UUID, clock: VectorClock, payloadBytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payloadBytes.count + 128)
        out.append(contentsOf: #"{"clock":"#.utf8)
        clock.writeCanonical(into: &out)
        out.append(contentsOf: #","invoiceID":"#.utf8)
        invoiceID.writeQuotedText(into: &out)
        out.append(contentsOf: #","kind":"#.utf8)
        CanonicalJSON.string(kind.rawValue).write(into: &out)
        out.append(contentsOf: #","payload":"#.utf8)
        out.append(contentsOf: payloadBytes)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The canonical payload as text.
    public var payloadText: String { String(decoding: payloadBytes, as: UTF8.self) }

    /// The hash of an operation's parts; stored operations are checked against it.
    public static func hash(kind: Kind, invoiceID: UUID, clock: VectorClock, payload: CanonicalJSON) -> String {
        let envelope: CanonicalJSON = .object([
            "kind": .string(kind.rawValue),
            "invoiceID": .string(invoiceID.uuidText),
            "clock": clock.canonicalJSON,
            "payload": payload,
        ])
        return Digest.sha256Hex(envelope.bytes)
    }
}
