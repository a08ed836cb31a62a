import Foundation

/// Why a wire document could not be read.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reading helpers over a parsed JSON object, each failure naming the field.
public struct WireObject: Sendable {
    public let members: [String: JSONValue]
    let context: String

    public init(_ value: JSONValue, context: String) throws(WireError) {
        guard case .object(let list) = value else { throw WireError("\(context) must be a JSON object") }
        var members: [String: JSONValue] = [:]
        for member in list { members[member.key] = member.value }
        self.members = members
        self.context = context
    }

    public func value(_ key: String) throws(WireError) -> JSONValue {
        guard let value = members[key] else { throw WireError("\(context).\(key) is missing") }
        return value
    }

    public func string(_ key: String) throws(WireError) -> String {
        guard case .string(let text) = try value(key) else { throw WireError("\(context).\(key) must be a string") }
        return text
    }

    public func optionalString(_ key: String) throws(WireError) -> String? {
        guard let value = members[key], value != .null else { return nil }
        guard case .string(let text) = value else { throw WireError("\(context).\(key) must be a string") }
        return text
    }

    public func uuid(_ key: String) throws(WireError) -> UUID {
        guard let id = UUID(uuidString: try string(key)) else { throw WireError("\(context).\(key) must be a UUID") }
        return id
    }

    public func integer(_ key: String) throws(WireError) -> Int64 {
        guard case .number(let text) = try value(key), let number = Int64(text) else {
            throw WireError("\(context).\(key) must be an integer")
        }
        return number
    }

    public func bool(_ key: String) throws(WireError) -> Bool {
        guard case .bool(let flag) = try value(key) else { throw WireError("\(context).\(key) must be true or false") }
        return flag
    }

    public func array(_ key: String) throws(WireError) -> [JSONValue] {
        guard case .array(let values) = try value(key) else { throw WireError("\(context).\(key) must be an array") }
        return values
    }

    public func clock(_ key: String) throws(WireError) -> VectorClock {
        guard let clock = VectorClock(json: try value(key)) else {
            throw WireError("\(context).\(key) must be a vector clock such as {\"bj-01\":2}")
        }
        return clock
    }
}

/// The JSON documents of the HTTP API (Schema/openapi.yaml), shared by the service and the client.
///
/// Invoices travel in their canonical form, so the hash the branch computed can be checked
/// byte for byte at the centre.
public enum WireFormat {
    // MARK: Invoices and versions

    public static func invoice(from value: JSONValue, context: String) throws(WireError) -> Invoice {
        do {
            return try Invoice(stored: value)
        } catch {
            throw WireError("\(context) has an unreadable \(error.field)")
        }
    }

    public static func encode(_ version: RemoteVersion) -> CanonicalJSON {
        .object(["invoice": version.invoice.canonicalJSON, "clock": version.clock.canonicalJSON])
    }

    public static func version(from value: JSONValue, context: String) throws(WireError) -> RemoteVersion {
        let object = try WireObject(value, context: context)
        return RemoteVersion(
            invoice: try invoice(from: try object.value("invoice"), context: "\(context).invoice"),
            clock: try object.clock("clock")
        )
    }

    // MARK: Operations

    public static func encode(_ operation: InvoiceOperation) -> CanonicalJSON {
        .object([
            "id": .string(operation.id.uuidString),
            "invoiceID": .string(operation.invoiceID.uuidString),
            "kind": .string(operation.kind.rawValue),
            "clock": operation.clock.canonicalJSON,
            "hash": .string(operation.hash),
            "invoice": operation.invoice.canonicalJSON,
        ])
    }

    /// Reads an operation and checks that its hash matches its content.
    public static func operation(from value: JSONValue, context: String) throws(WireError) -> InvoiceOperation {
        let object = try WireObject(value, context: context)
        let id = try object.uuid("id")
        let invoiceID = try object.uuid("invoiceID")
        guard let kind = InvoiceOperation.Kind(rawValue: try object.string("kind")) else {
            throw WireError("\(context).kind must be one of create, amend, void, resolve")
        }
        let clock = try object.clock("clock")
        let claimedHash = try object.string("hash")
        let payloadValue = try object.value("invoice")
        let invoice = try invoice(from: payloadValue, context: "\(context).invoice")
        guard invoice.id == invoiceID else {
            throw WireError("\(context).invoice.id differs from \(context).invoiceID")
        }
        let payload = CanonicalJSON(json: payloadValue)
        guard payload == invoice.canonicalJSON else {
            throw WireError("\(context).invoice has fields or forms this centre does not know")
        }
        let operation = InvoiceOperation(id: id, kind: kind, clock: clock, invoice: invoice, payload: payload)
        guard operation.hash == claimedHash else {
            throw WireError("\(context).hash does not match the operation's content")
        }
        return operation
    }

    // MARK: Push

    /// One item of a pushed batch as the centre read it.
    public enum PushItem: Sendable {
        case operation(InvoiceOperation)
        /// An item that could not be read; answered `rejected` without touching the store.
        case malformed(operationID: UUID?, reason: String)
    }

    public static func pushRequest(branch: String, operations: [InvoiceOperation]) -> CanonicalJSON {
        .object(["branch": .string(branch), "operations": .array(operations.map(encode))])
    }

    /// The canonical bytes of ``pushRequest(branch:operations:)``, built around each
    /// operation's payload bytes instead of encoding every invoice again.
    public static func pushRequestBytes(branch: String, operations: [InvoiceOperation]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(operations.reduce(64) { $0 + $1.payloadBytes.count + 256 })
        out.append(contentsOf: #"{"branch":"#.utf8)
        CanonicalJSON.string(branch).write(into: &out)
        out.append(contentsOf: #","operations":["#.utf8)
        for (index, operation) in operations.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            // Keys in byte order: clock, hash, id, invoice, invoiceID, kind.
            out.append(contentsOf: #"{"clock":"#.utf8)
            operation.clock.canonicalJSON.write(into: &out)
            out.append(contentsOf: #","hash":"#.utf8)
            CanonicalJSON.string(operation.hash).write(into: &out)
            out.append(contentsOf: #","id":"#.utf8)
            CanonicalJSON.string(operation.id.uuidString).write(into: &out)
            out.append(contentsOf: #","invoice":"#.utf8)
            out.append(contentsOf: operation.payloadBytes)
            out.append(contentsOf: #","invoiceID":"#.utf8)
            CanonicalJSON.string(operation.invoiceID.uuidString).write(into: &out)
            out.append(contentsOf: #","kind":"#.utf8)
            CanonicalJSON.string(operation.kind.rawValue).write(into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// Reads a push request; a malformed item does not spoil the others.
    public static func pushItems(from value: JSONValue) throws(WireError) -> (branch: String, items: [PushItem]) {
        let object = try WireObject(value, context: "request")
        let branch = try object.string("branch")
        var items: [PushItem] = []
        for (index, element) in try object.array("operations").enumerated() {
            do {
                items.append(.operation(try operation(from: element, context: "operations[\(index)]")))
            } catch {
                let id = (try? WireObject(element, context: "").uuid("id"))
                items.append(.malformed(operationID: id, reason: error.message))
            }
        }
        return (branch, items)
    }

    public static func encode(_ outcome: OperationOutcome) -> CanonicalJSON {
        var members: [String: CanonicalJSON] = [
            "opID": .string(outcome.operationID.uuidString),
            "outcome": .string(outcome.outcome.name),
        ]
        switch outcome.outcome {
        case .accepted, .duplicate:
            break
        case .stale(let current):
            members["currentClock"] = current.canonicalJSON
        case .conflict(let kind, let remote):
            members["conflictKind"] = .string(kind.rawValue)
            members["remote"] = encode(remote)
        case .rejected(let reason), .deferred(let reason):
            members["reason"] = .string(reason)
        }
        return .object(members)
    }

    public static func outcome(from value: JSONValue, context: String) throws(WireError) -> OperationOutcome {
        let object = try WireObject(value, context: context)
        let id = try object.uuid("opID")
        let outcome: PushOutcome
        switch try object.string("outcome") {
        case "accepted": outcome = .accepted
        case "duplicate": outcome = .duplicate
        case "stale": outcome = .stale(current: try object.clock("currentClock"))
        case "conflict":
            guard let kind = ConflictKind(rawValue: try object.string("conflictKind")) else {
                throw WireError("\(context).conflictKind is not a known conflict kind")
            }
            outcome = .conflict(
                kind,
                remote: try version(from: try object.value("remote"), context: "\(context).remote")
            )
        case "rejected": outcome = .rejected(reason: try object.string("reason"))
        case "deferred": outcome = .deferred(reason: try object.string("reason"))
        case let other: throw WireError("\(context).outcome \"\(other)\" is not a known outcome")
        }
        return OperationOutcome(operationID: id, outcome: outcome)
    }

    public static func pushResponse(_ outcomes: [OperationOutcome]) -> CanonicalJSON {
        .object(["outcomes": .array(outcomes.map(encode))])
    }

    public static func outcomes(from value: JSONValue) throws(WireError) -> [OperationOutcome] {
        let object = try WireObject(value, context: "response")
        var outcomes: [OperationOutcome] = []
        for (index, element) in try object.array("outcomes").enumerated() {
            outcomes.append(try outcome(from: element, context: "outcomes[\(index)]"))
        }
        return outcomes
    }
}

/// Which of a branch's invoices a change feed lists.
public enum ChangeScope: String, Hashable, Sendable, CaseIterable {
    /// Changes made by another node (HQ, a resolution elsewhere): what a branch pulls.
    case elsewhere
    /// Every change, the branch's own included: the remote's whole record of the branch, for reconcile.
    case all
}

/// A page of a branch's invoices changed at the centre, in the centre's change order.
public struct ChangePage: Hashable, Sendable {
    public struct Change: Hashable, Sendable {
        /// The centre's change sequence number; the cursor for the next page.
        public var sequence: Int64
        public var version: RemoteVersion
        /// The node whose operation made this change (`central` for a change made at HQ).
        public var changedBy: String

        public init(sequence: Int64, version: RemoteVersion, changedBy: String) {
            self.sequence = sequence
            self.version = version
            self.changedBy = changedBy
        }
    }

    public var changes: [Change]
    /// Pass this as `since` to get the next page.
    public var cursor: Int64
    public var hasMore: Bool

    public init(changes: [Change], cursor: Int64, hasMore: Bool) {
        self.changes = changes
        self.cursor = cursor
        self.hasMore = hasMore
    }

    public var canonicalJSON: CanonicalJSON {
        .object([
            "changes": .array(
                changes.map { change in
                    .object([
                        "seq": .integer(change.sequence),
                        "changedBy": .string(change.changedBy),
                        "invoice": change.version.invoice.canonicalJSON,
                        "clock": change.version.clock.canonicalJSON,
                    ])
                }
            ),
            "cursor": .integer(cursor),
            "hasMore": .bool(hasMore),
        ])
    }

    public init(json value: JSONValue) throws(WireError) {
        let object = try WireObject(value, context: "changes page")
        var changes: [Change] = []
        for (index, element) in try object.array("changes").enumerated() {
            let context = "changes[\(index)]"
            let change = try WireObject(element, context: context)
            changes.append(
                Change(
                    sequence: try change.integer("seq"),
                    version: try WireFormat.version(from: element, context: context),
                    changedBy: try change.string("changedBy")
                )
            )
        }
        self.init(changes: changes, cursor: try object.integer("cursor"), hasMore: try object.bool("hasMore"))
    }
}

/// The centre's answer to a lookup of invoices by id.
public struct InvoiceLookup: Hashable, Sendable {
    public var found: [RemoteVersion]
    public var missing: [UUID]

    public init(found: [RemoteVersion], missing: [UUID]) {
        self.found = found
        self.missing = missing
    }

    public var canonicalJSON: CanonicalJSON {
        .object([
            "found": .array(found.map(WireFormat.encode)),
            "missing": .array(missing.map { .string($0.uuidString) }),
        ])
    }

    public init(json value: JSONValue) throws(WireError) {
        let object = try WireObject(value, context: "lookup")
        var found: [RemoteVersion] = []
        for (index, element) in try object.array("found").enumerated() {
            found.append(try WireFormat.version(from: element, context: "found[\(index)]"))
        }
        var missing: [UUID] = []
        for element in try object.array("missing") {
            guard case .string(let text) = element, let id = UUID(uuidString: text) else {
                throw WireError("lookup.missing must hold UUIDs")
            }
            missing.append(id)
        }
        self.init(found: found, missing: missing)
    }
}

/// The centre's health, as `GET /v1/health` reports it.
public struct HealthReport: Hashable, Sendable {
    /// `ok`, or a short reason the centre cannot take pushes now.
    public var status: String
    /// The centre's node id.
    public var node: String
    /// The kind of store: `sqlite`, `postgres`, `memory`.
    public var store: String
    /// How many invoices the centre holds.
    public var invoices: Int64

    public init(status: String, node: String, store: String, invoices: Int64) {
        self.status = status
        self.node = node
        self.store = store
        self.invoices = invoices
    }

    public var isHealthy: Bool { status == "ok" }

    public var canonicalJSON: CanonicalJSON {
        .object([
            "status": .string(status), "node": .string(node), "store": .string(store), "invoices": .integer(invoices),
        ])
    }

    public init(json value: JSONValue) throws(WireError) {
        let object = try WireObject(value, context: "health")
        self.init(
            status: try object.string("status"),
            node: try object.string("node"),
            store: try object.string("store"),
            invoices: try object.integer("invoices")
        )
    }
}
