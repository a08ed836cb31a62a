import Foundation
import Logging

/// What a sync run does.
public struct SyncOptions: Hashable, Sendable {
    /// Operations per push.
    public var batchSize: Int
    /// Attempts without an answer after which an operation alone in its batch is quarantined.
    public var maximumAttempts: Int
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
        retry: RetryPolicy = RetryPolicy(),
        leaseDuration: Duration = .seconds(120),
        owner: String,
        actor: String = "sync"
    ) {
        self.batchSize = batchSize
        self.maximumAttempts = maximumAttempts
        self.retry = retry
        self.leaseDuration = leaseDuration
        self.owner = owner
        self.actor = actor
    }
}
