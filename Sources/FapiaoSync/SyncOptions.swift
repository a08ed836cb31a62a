import Foundation
import Logging

/// How hard and how long a sync run tries.
public struct RetryPolicy: Hashable, Sendable {
    /// The first wait after a failure.
    public var initialDelay: Duration
    /// The longest wait between two attempts.
    public var maximumDelay: Duration
    /// How many failures in a row end the run with "remote unavailable".
    public var maximumConsecutiveFailures: Int
    /// The longest Retry-After the run waits out; a longer one ends the run.
    public var maximumRetryAfter: Duration

    public init(
        initialDelay: Duration = .milliseconds(250),
        maximumDelay: Duration = .seconds(30),
        maximumConsecutiveFailures: Int = 5,
        maximumRetryAfter: Duration = .seconds(120)
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumConsecutiveFailures = maximumConsecutiveFailures
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// The wait before attempt `failures + 1`: exponential, capped, with jitter in [½, 1] of
    /// the step so that branches recovering together do not retry in lockstep.
    public func delay(afterFailures failures: Int, jitter: Double) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let step = min(initialDelay * (1 << exponent), maximumDelay)
        return step * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }
}

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

/// The engine's view of time and chance, replaceable in tests.
public struct SyncEnvironment: Sendable {
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A number in [0, 1) for backoff jitter.
    public var jitter: @Sendable () -> Double
    public var logger: Logger

    public init(
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "fapiao.sync")
    ) {
        self.sleep = sleep
        self.jitter = jitter
        self.logger = logger
    }
}
