import Foundation

/// Why the centre could not simply take a branch's version of an invoice.
public enum ConflictKind: String, Hashable, Sendable, CaseIterable {
    /// Both sides changed the invoice without seeing each other's change.
    case concurrentEdit
    /// Another invoice already owns the same (seller tax ID, code, number).
    case duplicateNumber
    /// The branch changed an invoice the centre had voided meanwhile.
    case editOfVoided
    /// Reconcile found the remote content different from the version the branch believes accepted.
    case contentDiffers
}

/// An invoice version as the centre holds it.
public struct RemoteVersion: Hashable, Sendable {
    public var invoice: Invoice
    public var clock: VectorClock

    public init(invoice: Invoice, clock: VectorClock) {
        self.invoice = invoice
        self.clock = clock
    }
}

/// What the centre answered for one pushed operation (DESIGN §4).
public enum PushOutcome: Hashable, Sendable {
    /// The centre stored this version.
    case accepted
    /// The centre had already applied this very operation (its earlier reply was lost): a success.
    case duplicate
    /// The centre already holds this version or a newer one descending from it.
    case stale(current: VectorClock)
    /// Neither version descends from the other, or the number belongs to another invoice.
    case conflict(ConflictKind, remote: RemoteVersion)
    /// The centre refuses the operation; retrying it unchanged cannot help.
    case rejected(reason: String)
    /// The centre did not process the operation this time (a partial batch, a transient
    /// failure on this item); it is retried later with the same operation id.
    case deferred(reason: String)

    /// The outcome's name on the wire and in the audit trail.
    public var name: String {
        switch self {
        case .accepted: "accepted"
        case .duplicate: "duplicate"
        case .stale: "stale"
        case .conflict: "conflict"
        case .rejected: "rejected"
        case .deferred: "deferred"
        }
    }

    /// Whether the centre now holds this operation's version or a newer one.
    public var isSuccess: Bool {
        switch self {
        case .accepted, .duplicate, .stale: true
        case .conflict, .rejected, .deferred: false
        }
    }
}

/// The outcome for one operation of a pushed batch.
public struct OperationOutcome: Hashable, Sendable {
    public var operationID: UUID
    public var outcome: PushOutcome

    public init(operationID: UUID, outcome: PushOutcome) {
        self.operationID = operationID
        self.outcome = outcome
    }
}
