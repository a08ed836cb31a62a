/// What an audit entry records.
public enum AuditEvent: String, Hashable, Sendable, CaseIterable {
    /// The journal was created; the first link of the chain.
    case initialized
    /// An invoice was captured and its create operation queued.
    case captured
    /// An operation was queued for the remote.
    case queued
    case pushed
    case accepted
    case duplicate
    case stale
    case conflict
    case resolved
    case rejected
    case quarantined
    case voided
    case amended
    case reconciled
    /// A journal setting changed.
    case configured
    /// A push got no usable answer; the operation may have landed and is retried with the same id.
    case inDoubt
    /// A pushed operation was not processed (not delivered, or a partial batch); it is retried.
    case deferred
    /// A quarantined operation was put back in the outbox.
    case requeued
    /// A quarantined operation was replaced by a later change of the same invoice.
    case superseded
    /// A version made elsewhere (an amend or void at the centre) that dominates the branch's
    /// was applied to the journal.
    case pulled
    /// An outage began: captures from now on belong to it (`fapiao outage start`, or sync).
    case outageStarted
    /// The open outage ended; the upload deadlines of its invoices run from now.
    case outageEnded
    /// A tax period was closed (`fapiao period close`): its invoices can no longer be voided.
    case periodClosed
}
