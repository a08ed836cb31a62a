import FapiaoCore
import Foundation

// The wire shapes of audit anchoring (openapi.yaml: AnchorState, AuditShipment), shared by the
// HTTP API, the `exec:` protocol and the stores that keep reports as JSON.

extension ChainPosition {
    /// Reads `{"sequence": N, "hash": H}`; `hash` is 64 lower-case hex digits, or empty where
    /// `allowsEmptyHash` (a branch that has no entry at the centre's head).
    public init(wire value: JSONValue, context: String, allowsEmptyHash: Bool = false) throws(WireError) {
        let object = try WireObject(value, context: context)
        let sequence = try object.integer("sequence")
        let hash = try object.string("hash")
        guard sequence >= 0 else { throw WireError("\(context).sequence must be 0 or more") }
        guard (allowsEmptyHash && hash.isEmpty) || Self.isHash(hash) else {
            throw WireError("\(context).hash must be 64 lower-case hexadecimal digits")
        }
        self.init(sequence: sequence, hash: hash)
    }
}

extension ChainBreak {
    public init(wire value: JSONValue, context: String) throws(WireError) {
        let object = try WireObject(value, context: context)
        guard let detectedAt = UTCTimestamp(parsing: try object.string("detectedAt")) else {
            throw .unprocessable("\(context).detectedAt must be a UTC timestamp")
        }
        self.init(
            detectedAt: detectedAt,
            anchored: try ChainPosition(wire: try object.value("anchored"), context: "\(context).anchored"),
            branchHead: try ChainPosition(
                wire: try object.value("branchHead"),
                context: "\(context).branchHead",
                allowsEmptyHash: true
            ),
            reason: try object.string("reason")
        )
    }
}

extension AnchorState {
    /// `{"head": …, "epoch": N, "state": "intact"|"broken", "break": {…}|null}`.
    public var canonicalJSON: CanonicalJSON {
        .object([
            "head": head.canonicalJSON,
            "epoch": .integer(epoch),
            "state": .string(stateName),
            "break": unacknowledgedBreak?.canonicalJSON ?? .null,
        ])
    }

    public init(wire value: JSONValue) throws(WireError) {
        let object = try WireObject(value, context: "anchor")
        let epoch = try object.integer("epoch")
        guard epoch >= 1 else { throw WireError("anchor.epoch must be 1 or more") }
        var found: ChainBreak?
        if let recorded = object["break"], recorded != .null {
            found = try ChainBreak(wire: recorded, context: "anchor.break")
        }
        self.init(
            head: try ChainPosition(wire: try object.value("head"), context: "anchor.head"),
            epoch: epoch,
            unacknowledgedBreak: found
        )
    }
}

extension BranchReport {
    public init(wire value: JSONValue, context: String) throws(WireError) {
        let object = try WireObject(value, context: context)
        func count(_ key: String) throws(WireError) -> Int {
            let number = try object.integer(key)
            guard (0...Int64(Int32.max)).contains(number) else {
                throw WireError("\(context).\(key) must be a count from 0 to \(Int32.max)")
            }
            return Int(number)
        }
        func instant(_ key: String) throws(WireError) -> UTCTimestamp? {
            guard let text = try object.optionalString(key) else { return nil }
            guard let instant = UTCTimestamp(parsing: text) else {
                throw .unprocessable("\(context).\(key) must be a UTC timestamp such as 2026-12-04T08:30:00.000Z")
            }
            return instant
        }
        guard let reportedAt = try instant("reportedAt") else { throw WireError("\(context).reportedAt is missing") }
        self.init(
            outboxSize: try count("outboxSize"),
            oldestPending: try instant("oldestPending"),
            openConflicts: try count("openConflicts"),
            quarantined: try count("quarantined"),
            overdue: try count("overdue"),
            reportedAt: reportedAt
        )
    }

    /// The report kept as text by a store, or `nil` when it cannot be read.
    public static func stored(_ text: String) -> BranchReport? {
        guard let json = try? JSONValue.parse(Array(text.utf8)) else { return nil }
        return try? BranchReport(wire: json, context: "report")
    }
}

extension AuditEntry {
    /// Every stored part of the entry, as the branch wrote it (`details` as its exact text, so
    /// the hash can be recomputed).
    public var wireJSON: CanonicalJSON {
        .object([
            "sequence": .integer(sequence),
            "wallTime": .string(wallTime.description),
            "node": .string(node),
            "actor": .string(actor),
            "event": .string(event.rawValue),
            "invoiceID": .optional(invoiceID?.uuidText),
            "operationID": .optional(operationID?.uuidText),
            "clock": clock.canonicalJSON,
            "details": .string(detailsText),
            "previousHash": .string(previousHash),
            "hash": .string(hash),
        ])
    }

    /// The bytes of ``wireJSON``, written member by member in their canonical (byte) key order
    /// rather than built as a dictionary and sorted: a sync sends every entry it writes.
    public func writeWire(into out: inout [UInt8]) {
        func member(_ key: StaticString, first: Bool = false) { CanonicalJSON.writeName(key, first: first, into: &out) }
        func string(_ text: String) { CanonicalJSON.writeString(text, into: &out) }
        func optional(_ id: UUID?) { CanonicalJSON.writeUUID(id, into: &out) }
        member("actor", first: true)
        string(actor)
        member("clock")
        clock.writeCanonical(into: &out)
        member("details")
        string(detailsText)
        member("event")
        string(event.rawValue)
        member("hash")
        string(hash)
        member("invoiceID")
        optional(invoiceID)
        member("node")
        string(node)
        member("operationID")
        optional(operationID)
        member("previousHash")
        string(previousHash)
        member("sequence")
        out.append(contentsOf: String(sequence).utf8)
        member("wallTime")
        string(wallTime.description)
        out.append(UInt8(ascii: "}"))
    }

    /// Reads an entry; `index`, when given, is its place in the array named by `context`.
    public init(wire value: JSONValue, context: String, index: Int? = nil) throws(WireError) {
        let object = try WireObject(value, context: context, index: index)
        guard let wallTime = UTCTimestamp(parsing: try object.string("wallTime")) else {
            throw .unprocessable("\(object.context).wallTime must be a UTC timestamp such as 2026-12-04T08:30:00.000Z")
        }
        guard let event = AuditEvent(rawValue: try object.string("event")) else {
            throw .unprocessable("\(object.context).event must be an audit event this centre knows")
        }
        // As a journal stores it: canonical, so every counter is positive.
        guard case .object(let counters) = try object.value("clock"),
            let clock = VectorClock(json: try object.value("clock")), clock.counters.count == counters.count
        else {
            throw .unprocessable(
                "\(object.context).clock must be a vector clock, each counter an integer from 1 to \(VectorClock.maximumCounter)"
            )
        }
        // Present, and null when the entry names none (as the journal stores it).
        func optionalID(_ key: String) throws(WireError) -> UUID? {
            _ = try object.value(key)
            guard let text = try object.optionalString(key) else { return nil }
            guard let id = UUID(uuidText: text) else {
                throw WireError("\(object.context).\(key) must be a UUID or null")
            }
            return id
        }
        let sequence = try object.integer("sequence")
        guard sequence >= 1 else { throw WireError("\(object.context).sequence must be 1 or more") }
        let node = try object.string("node")
        guard WireNode.isValid(node) else { throw WireError("\(object.context).node must be a node name") }
        func hash(_ key: String) throws(WireError) -> String {
            let text = try object.string(key)
            guard ChainPosition.isHash(text) else {
                throw WireError("\(object.context).\(key) must be 64 lower-case hexadecimal digits")
            }
            return text
        }
        let previousHash = try hash("previousHash")
        let hash = try hash("hash")
        self.init(
            sequence: sequence,
            wallTime: wallTime,
            node: node,
            actor: try object.string("actor"),
            event: event,
            invoiceID: try optionalID("invoiceID"),
            operationID: try optionalID("operationID"),
            clock: clock,
            detailsText: try object.string("details"),
            previousHash: previousHash,
            hash: hash
        )
    }
}

extension AuditShipment {
    /// `{"after": …, "head": …, "entries": […], "report": {…}}`.
    public var canonicalJSON: CanonicalJSON {
        .object([
            "after": after.canonicalJSON,
            "head": head.canonicalJSON,
            "entries": .array(entries.map(\.wireJSON)),
            "report": report.canonicalJSON,
        ])
    }

    /// The bytes of ``canonicalJSON``, each entry written by ``AuditEntry/writeWire(into:)``.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1_024 + entries.reduce(0) { $0 + $1.detailsText.utf8.count + 512 })
        // Keys in byte order: after, entries, head, report.
        out.append(contentsOf: #"{"after":"#.utf8)
        after.canonicalJSON.write(into: &out)
        out.append(contentsOf: #","entries":["#.utf8)
        for (index, entry) in entries.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            entry.writeWire(into: &out)
        }
        out.append(contentsOf: #"],"head":"#.utf8)
        head.canonicalJSON.write(into: &out)
        out.append(contentsOf: #","report":"#.utf8)
        report.canonicalJSON.write(into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    public init(wire value: JSONValue) throws(WireError) {
        try self.init(wire: value) { _ in nil }
    }

    /// Reads a shipment from its tree; `read` gives the entries read straight from their bytes
    /// (``readBody(_:limits:)``), which stand as `null` in the tree.
    init(wire value: JSONValue, read: (Int) -> AuditEntry?) throws(WireError) {
        let object = try WireObject(value, context: "request")
        let list = try object.array("entries")
        guard list.count <= AuditAnchoring.maximumEntriesPerShipment else {
            throw WireError(
                "request.entries holds \(list.count) entries; at most \(AuditAnchoring.maximumEntriesPerShipment) a request"
            )
        }
        var entries: [AuditEntry] = []
        entries.reserveCapacity(list.count)
        for (index, element) in list.enumerated() {
            if let entry = read(index) {
                entries.append(entry)
            } else {
                entries.append(try AuditEntry(wire: element, context: "request.entries", index: index))
            }
        }
        self.init(
            after: try ChainPosition(wire: try object.value("after"), context: "request.after", allowsEmptyHash: true),
            head: try ChainPosition(wire: try object.value("head"), context: "request.head", allowsEmptyHash: true),
            entries: entries,
            report: try BranchReport(wire: try object.value("report"), context: "request.report")
        )
    }
}
