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
