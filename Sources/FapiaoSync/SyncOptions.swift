import Foundation
import Logging

/// What a sync run does.
public struct SyncOptions: Hashable, Sendable {
    /// Operations per push.
    public var batchSize: Int
    /// Attempts without an answer after which an operation alone in its batch may be quarantined.
    public var maximumAttempts: Int
    /// Failed pushes in a row, in one run, of an operation alone in its push before it is
    /// quarantined (with at least ``maximumAttempts`` attempts in all).
    ///
    /// Halving a failing batch always keeps its first operation, so on a flaky network that
    /// operation gathers attempts for the whole batch; only failures while it is alone say the
    /// remote chokes on it. Capped by the run's consecutive-failure limit, so a run can reach it.
    public var maximumFailuresAlone: Int
    public var retry: RetryPolicy
    /// How long the lease is taken for; renewed while the run goes on.
    public var leaseDuration: Duration
    /// The lease owner's name.
    public var owner: String
    /// Who the audit entries name as the actor.
    public var actor: String

    public init(
        batchSize: Int = 500,
        maximumAttempts: Int = 8,
        maximumFailuresAlone: Int = 5,
        retry: RetryPolicy = RetryPolicy(),
        leaseDuration: Duration = .seconds(120),
        owner: String,
        actor: String = "sync"
    ) {
        self.batchSize = batchSize
        self.maximumAttempts = maximumAttempts
        self.maximumFailuresAlone = maximumFailuresAlone
        self.retry = retry
        self.leaseDuration = leaseDuration
        self.owner = owner
        self.actor = actor
    }
}
