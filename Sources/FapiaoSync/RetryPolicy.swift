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
