import Foundation

/// One link of the journal's hash chain: who did what to which invoice, and when.
///
/// `hash` = SHA-256 over the previous entry's hash and this entry's canonical encoding,
/// so changing, removing or reordering any entry breaks every hash after it.
public struct AuditEntry: Hashable, Sendable {
    /// Position in the chain, from 1, without gaps.
    public var sequence: Int64
    /// Wall time, for people to read; it never decides an outcome.
    public var wallTime: UTCTimestamp
    /// The node that wrote the entry.
    public var node: String
    /// The person or job that caused it (operator name, `sync`).
    public var actor: String
    public var event: AuditEvent
    public var invoiceID: UUID?
    public var operationID: UUID?
    /// The invoice's vector clock after the event (empty for journal-level events).
    public var clock: VectorClock
    /// Event details as canonical JSON text (an object).
    public var detailsText: String
    /// The previous entry's hash (64 zeros before the first entry).
    public var previousHash: String
    public var hash: String

    /// Creates the entry that follows `previousHash`, computing its hash.
    public init(
        sequence: Int64,
        wallTime: UTCTimestamp,
        node: String,
        actor: String,
        event: AuditEvent,
        invoiceID: UUID? = nil,
        operationID: UUID? = nil,
        clock: VectorClock = VectorClock(),
        details: CanonicalJSON = .object([:]),
        previousHash: String
    ) {
        self.init(
            sequence: sequence,
            wallTime: wallTime,
            node: node,
            actor: actor,
            event: event,
            invoiceID: invoiceID,
            operationID: operationID,
            clock: clock,
            detailsText: details.text,
            previousHash: previousHash,
            hash: ""
        )
        hash = computedHash
    }

    /// Creates an entry from stored parts, as read back from a journal.
    public init(
        sequence: Int64,
        wallTime: UTCTimestamp,
        node: String,
        actor: String,
        event: AuditEvent,
        invoiceID: UUID?,
        operationID: UUID?,
        clock: VectorClock,
        detailsText: String,
        previousHash: String,
        hash: String
    ) {
        self.sequence = sequence
        self.wallTime = wallTime
        self.node = node
        self.actor = actor
        self.event = event
        self.invoiceID = invoiceID
        self.operationID = operationID
        self.clock = clock
        self.detailsText = detailsText
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The bytes the hash covers: the previous hash, the canonical header and the details.
    ///
    /// The header is the canonical JSON object of the entry's fields, written member by member
    /// in their canonical (byte) key order rather than built as a ``CanonicalJSON`` dictionary and
    /// sorted: every sync writes two entries per operation, and the bytes are the same
    /// (``canonicalHeader`` is the reference the tests compare with).
    public var canonicalEncoding: [UInt8] {
        // Newlines cannot occur inside canonical JSON, so they separate the parts unambiguously.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(previousHash.utf8.count + detailsText.utf8.count + 320)
        bytes.append(contentsOf: previousHash.utf8)
        bytes.append(0x0A)
        // Strings written straight, not wrapped in a CanonicalJSON value first.
        func member(_ key: StaticString, _ value: String, first: Bool = false) {
            CanonicalJSON.writeName(key, first: first, into: &bytes)
            CanonicalJSON.writeString(value, into: &bytes)
        }
        member("actor", actor, first: true)
        CanonicalJSON.writeName("clock", into: &bytes)
        clock.writeCanonical(into: &bytes)
        member("event", event.rawValue)
        CanonicalJSON.writeName("invoiceID", into: &bytes)
        CanonicalJSON.writeUUID(invoiceID, into: &bytes)
        member("node", node)
        CanonicalJSON.writeName("operationID", into: &bytes)
        CanonicalJSON.writeUUID(operationID, into: &bytes)
        CanonicalJSON.writeName("sequence", into: &bytes)
        CanonicalJSON.integer(sequence).write(into: &bytes)
        member("wallTime", wallTime.description)
        bytes.append(UInt8(ascii: "}"))
        bytes.append(0x0A)
        bytes.append(contentsOf: detailsText.utf8)
        return bytes
    }

    /// The entry's header as a canonical JSON object: what ``canonicalEncoding`` writes between
    /// the previous hash and the details.
    public var canonicalHeader: CanonicalJSON {
        .object([
            "sequence": .integer(sequence),
            "wallTime": .string(wallTime.description),
            "node": .string(node),
            "actor": .string(actor),
            "event": .string(event.rawValue),
            "invoiceID": .optional(invoiceID?.uuidText),
            "operationID": .optional(operationID?.uuidText),
            "clock": clock.canonicalJSON,
        ])
    }

    /// The hash this entry should carry given its contents.
    public var computedHash: String { Digest.sha256Hex(canonicalEncoding) }
}
