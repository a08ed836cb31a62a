import FapiaoCore
import FapiaoRemote
import Foundation

/// An operation the centre applied, as HQ's console shows it.
public struct CentralOperationRecord: Hashable, Sendable {
    public var operationID: String
    public var kind: String
    /// The node whose operation it was (a branch, or the centre for HQ's edits).
    public var node: String
    public var clock: VectorClock
    public var appliedAt: UTCTimestamp?

    public init(operationID: String, kind: String, node: String, clock: VectorClock, appliedAt: UTCTimestamp?) {
        self.operationID = operationID
        self.kind = kind
        self.node = node
        self.clock = clock
        self.appliedAt = appliedAt
    }
}

/// One invoice's history across branches and the centre (``CentralStore/invoiceHistory(_:)``).
public struct CentralInvoiceHistory: Sendable {
    public var current: RemoteVersion?
    /// In the order the centre applied them.
    public var operations: [CentralOperationRecord]
    /// Anchored audit entries naming the invoice, per branch in chain order.
    public var entries: [(branch: String, entry: AuditEntry)]

    public init(
        current: RemoteVersion?,
        operations: [CentralOperationRecord],
        entries: [(branch: String, entry: AuditEntry)]
    ) {
        self.current = current
        self.operations = operations
        self.entries = entries
    }
}

/// A rejection the centre answered.
public struct CentralRejection: Hashable, Sendable {
    public var operationID: String
    public var invoiceID: String
    public var reason: String
    public var at: UTCTimestamp?

    public init(operationID: String, invoiceID: String, reason: String, at: UTCTimestamp?) {
        self.operationID = operationID
        self.invoiceID = invoiceID
        self.reason = reason
        self.at = at
    }
}

/// What HQ's console shows of one branch beyond its overview (``CentralStore/branchDetail(_:limit:)``).
public struct BranchDetail: Sendable {
    /// Newest first.
    public var rejections: [CentralRejection]
    /// The outbox sizes the branch reported, newest first.
    public var outboxHistory: [(at: UTCTimestamp, size: Int)]

    public init(rejections: [CentralRejection] = [], outboxHistory: [(at: UTCTimestamp, size: Int)] = []) {
        self.rejections = rejections
        self.outboxHistory = outboxHistory
    }
}

/// A search text made safe for `LIKE … ESCAPE '\'`: `%`, `_` and `\` match themselves.
public func likePattern(containing text: String) -> String {
    var escaped = ""
    for character in text {
        if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
        escaped.append(character)
    }
    return "%" + escaped + "%"
}
