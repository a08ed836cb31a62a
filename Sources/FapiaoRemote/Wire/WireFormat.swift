import FapiaoCore
import Foundation

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
            "id": .string(operation.id.uuidText),
            "invoiceID": .string(operation.invoiceID.uuidText),
            "kind": .string(operation.kind.rawValue),
            "clock": operation.clock.canonicalJSON,
            "hash": .string(operation.hash),
            "invoice": operation.invoice.canonicalJSON,
        ])
    }

    /// Reads an operation and checks that its hash matches its content.
    ///
    /// `sent`, when given, is its invoice as ``readPush(_:limits:)`` read it straight from the
    /// canonical bytes sent (the tree then holds `null` in its place); otherwise the invoice is
    /// read from the tree, and must encode to the canonical form it was sent in.
    public static func operation(
        from value: JSONValue,
        context: String,
        index: Int? = nil,
        sent: Invoice.CanonicalPrefix? = nil
    ) throws(WireError) -> InvoiceOperation {
        let object = try WireObject(value, context: context, index: index)
        let id = try object.uuid("id")
        let invoiceID = try object.uuid("invoiceID")
        guard let kind = InvoiceOperation.Kind(rawValue: try object.string("kind")) else {
            throw WireError("\(object.context).kind must be one of create, amend, void, resolve")
        }
        let clock = try object.clock("clock")
        let claimedHash = try object.string("hash")
        let payloadValue = try object.value("invoice")
        let invoice: Invoice
        if let sent {
            invoice = sent.invoice
        } else {
            invoice = try Self.invoice(from: payloadValue, context: "\(object.context).invoice")
        }
        guard invoice.id == invoiceID else {
            throw WireError("\(object.context).invoice.id differs from \(object.context).invoiceID")
        }
        // The bytes sent must be the invoice's own canonical encoding, hashed as they are. Read
        // straight from them, they are; what came in another form (spaces, another key order)
        // is judged on its value.
        let canonical = sent?.bytes ?? invoice.canonicalBytes
        guard sent != nil || payloadValue.canonicalBytes == canonical else {
            throw WireError("\(object.context).invoice has fields or forms this centre does not know")
        }
        let operation = InvoiceOperation(
            id: id,
            kind: kind,
            clock: clock,
            invoice: invoice,
            canonicalPayload: canonical
        )
        guard operation.hash == claimedHash else {
            throw WireError("\(object.context).hash does not match the operation's content")
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
    public static func pushRequestBytes(branch: String, operations: [StoredOperation]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(operations.reduce(64) { $0 + $1.payloadBytes.count + 256 })
        out.append(contentsOf: #"{"branch":"#.utf8)
        CanonicalJSON.string(branch).write(into: &out)
        out.append(contentsOf: #","operations":["#.utf8)
        for (index, operation) in operations.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            // Keys in byte order: clock, hash, id, invoice, invoiceID, kind.
            out.append(contentsOf: #"{"clock":"#.utf8)
            operation.clock.writeCanonical(into: &out)
            out.append(contentsOf: #","hash":"#.utf8)
            CanonicalJSON.string(operation.hash).write(into: &out)
            out.append(contentsOf: #","id":"#.utf8)
            operation.id.writeQuotedText(into: &out)
            out.append(contentsOf: #","invoice":"#.utf8)
            out.append(contentsOf: operation.payloadBytes)
            out.append(contentsOf: #","invoiceID":"#.utf8)
            operation.invoiceID.writeQuotedText(into: &out)
            out.append(contentsOf: #","kind":"#.utf8)
            CanonicalJSON.string(operation.kind.rawValue).write(into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// Where each operation's invoice lies in a push request.
    public static let pushedInvoices = JSONValue.ElementMemberPath(array: "operations", member: "invoice")

    /// A push request as the centre reads it: the JSON tree, and the invoices read straight from
    /// their canonical bytes by operation index (each stands as `null` in the tree).
    public struct PushBody: Sendable {
        public var value: JSONValue
        public var invoices: [Int: Invoice.CanonicalPrefix]
    }

    /// Parses a push request, reading every invoice sent in its canonical form straight to its fields.
    ///
    /// Every branch sends its invoices in that form; reading them without a JSON tree costs
    /// less. An invoice in any other form is parsed and judged as before. The request is refused
    /// exactly when ``JSONValue/parse(_:limits:)`` refuses it.
    public static func readPush(_ bytes: [UInt8], limits: JSONValue.Limits) throws(JSONValue.SyntaxError) -> PushBody {
        final class Sent {
            var invoices: [Int: Invoice.CanonicalPrefix] = [:]
        }
        let sent = Sent()
        let reader = JSONValue.MemberReader(
            maximumDepth: Invoice.canonicalDepth,
            maximumMembers: Invoice.canonicalMaximumMembers
        ) { bytes, element in
            guard let read = Invoice.canonicalPrefix(of: bytes) else { return nil }
            sent.invoices[element] = read
            return (read.bytes.count, read.values)
        }
        let value = try JSONValue.parse(bytes, limits: limits, membersAt: pushedInvoices, reading: reader)
        return PushBody(value: value, invoices: sent.invoices)
    }

    /// Reads a push request parsed by ``readPush(_:limits:)``; a malformed item does not spoil
    /// the others.
    public static func pushItems(from body: PushBody) throws(WireError) -> (branch: String, items: [PushItem]) {
        try pushItems(from: body.value) { body.invoices[$0] }
    }

    /// Reads a push request from its JSON tree; a malformed item does not spoil the others.
    public static func pushItems(from value: JSONValue) throws(WireError) -> (branch: String, items: [PushItem]) {
        try pushItems(from: value) { _ in nil }
    }

    private static func pushItems(
        from value: JSONValue,
        sent: (Int) -> Invoice.CanonicalPrefix?
    ) throws(WireError) -> (branch: String, items: [PushItem]) {
        let object = try WireObject(value, context: "request")
        let branch = try object.string("branch")
        var items: [PushItem] = []
        for (index, element) in try object.array("operations").enumerated() {
            do {
                items.append(
                    .operation(try operation(from: element, context: "operations", index: index, sent: sent(index)))
                )
            } catch {
                let id = (try? WireObject(element, context: "").uuid("id"))
                items.append(.malformed(operationID: id, reason: error.message))
            }
        }
        return (branch, items)
    }

    public static func encode(_ outcome: OperationOutcome) -> CanonicalJSON {
        var members: [String: CanonicalJSON] = [
            "opID": .string(outcome.operationID.uuidText),
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
