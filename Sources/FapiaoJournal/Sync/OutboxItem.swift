import FapiaoCore
import Foundation

/// Where one operation stands in the outbox.
public enum OperationStatus: String, Hashable, Sendable, CaseIterable {
    /// Waiting to be pushed.
    case pending
    /// Sent in the batch being pushed now; a crash leaves it here, and the next sync re-sends it.
    case inFlight
    /// Sent, but no usable answer came back; re-sent with the same id.
    case inDoubt
    case accepted
    case duplicate
    case stale
    /// The centre holds a concurrent version; waiting for resolution.
    case conflict
    /// The centre refused it, or it got no answer too many times; waiting for `quarantine requeue`.
    case quarantined
    /// A quarantined operation replaced by a later change of the same invoice.
    case superseded

    /// The statuses a sync job sends.
    public static let unanswered: [OperationStatus] = [.pending, .inFlight, .inDoubt]
}

/// An operation read from the outbox to be pushed.
public struct OutboxItem: Hashable, Sendable {
    /// Journal order.
    public var sequence: Int64
    public var operation: InvoiceOperation
    public var status: OperationStatus
    /// How many times it has been sent.
    public var attempts: Int
}

/// What became of one pushed operation, as the journal records it.
public enum PushResult: Hashable, Sendable {
    /// The remote answered for it.
    case answered(PushOutcome)
    /// No answer for it; `mayHaveApplied` when the request reached the remote.
    case unanswered(reason: String, mayHaveApplied: Bool)
    /// No answer after too many attempts: quarantined, and re-sent with the same id on requeue.
    case gaveUp(reason: String)
}

/// How many operations ended how, for the sync summary.
public struct OutboxTally: Hashable, Sendable {
    public var accepted = 0
    public var duplicates = 0
    public var stale = 0
    public var conflicts = 0
    public var quarantined = 0
    public var inDoubt = 0
    public var deferred = 0

    public init() {}

    public static func + (lhs: OutboxTally, rhs: OutboxTally) -> OutboxTally {
        var sum = lhs
        sum.accepted += rhs.accepted
        sum.duplicates += rhs.duplicates
        sum.stale += rhs.stale
        sum.conflicts += rhs.conflicts
        sum.quarantined += rhs.quarantined
        sum.inDoubt += rhs.inDoubt
        sum.deferred += rhs.deferred
        return sum
    }
}
