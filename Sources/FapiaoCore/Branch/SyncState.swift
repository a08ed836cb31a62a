/// Where an invoice stands on its way to the remote.
public enum SyncState: String, Hashable, Sendable, CaseIterable {
    /// Captured or changed; waiting for the next sync.
    case pending
    /// Being pushed right now.
    case inFlight
    /// Pushed, but the reply was lost; will be retried with the same operation id.
    case inDoubt
    /// The remote holds this version.
    case accepted
    /// The remote holds a concurrent version; waiting for resolution.
    case conflict
    /// The remote refused it; waiting for a fix and requeue.
    case quarantined
}
