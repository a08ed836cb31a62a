import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation
import Logging

extension SyncEngine {
    /// The result for an operation whose push failed: in doubt or pending again, or given up
    /// (quarantined, re-sent on requeue) when it has failed alone in its push
    /// ``SyncOptions/maximumFailuresAlone`` times in a row after enough attempts in all.
    ///
    /// - Parameters:
    ///   - item: the operation.
    ///   - error: why the push failed.
    ///   - failuresAlone: this run's failed pushes in a row of `item` alone, this one included;
    ///     0 when it was sent with others.
    /// - Returns: the operation and its result.
    func unanswered(
        _ item: OutboxItem,
        error: RemoteError,
        failuresAlone: Int
    ) -> (item: OutboxItem, result: PushResult) {
        // An operation that may have landed earlier stays in doubt even if this attempt never left.
        let mayHaveApplied = error.mayHaveApplied || item.status == .inDoubt || item.status == .inFlight
        let aloneLimit = max(1, min(options.maximumFailuresAlone, options.retry.maximumConsecutiveFailures))
        if mayHaveApplied, failuresAlone >= aloneLimit, item.attempts >= options.maximumAttempts {
            return (
                item,
                .gaveUp(
                    reason:
                        "no answer after \(item.attempts) attempts (\(error.message)); the remote may hold it, and requeue re-sends the same operation id"
                )
            )
        }
        return (item, .unanswered(reason: error.message, mayHaveApplied: mayHaveApplied))
    }

    /// Pairs each sent operation with the remote's answer.
    ///
    /// Operations it did not answer (a partial batch) get no result: they stay in flight and
    /// are sent again.
    func classify(
        _ items: [OutboxItem],
        answers: [OperationOutcome]
    ) -> [(item: OutboxItem, result: PushResult)] {
        let byID = Dictionary(answers.map { ($0.operationID, $0.outcome) }, uniquingKeysWith: { first, _ in first })
        return items.compactMap { item in
            switch byID[item.operation.id] {
            case .deferred(let reason)? where item.attempts >= options.maximumAttempts:
                return (item, .gaveUp(reason: "deferred by the remote \(item.attempts) times: \(reason)"))
            case let outcome?:
                return (item, .answered(outcome))
            case nil:
                return nil
            }
        }
    }

    /// Waits before the next attempt, or says why the run must stop instead.
    func waitOrStop(
        after error: RemoteError,
        failures: Int,
        progress: @Sendable (SyncProgress) -> Void,
        answered: Int,
        total: Int
    ) async throws -> SyncStop? {
        environment.logger.warning("sync attempt \(failures) failed: \(error.message)")
        if !error.isTransient { return SyncStop(Self.stopKind(for: error), error.message) }
        if failures >= options.retry.maximumConsecutiveFailures {
            var reason = error.message
            while reason.hasSuffix(".") { reason.removeLast() }
            let attempts = failures == 1 ? "1 attempt" : "\(failures) attempts in a row"
            return SyncStop(.remoteUnavailable, "\(reason) (gave up after \(attempts))")
        }
        if stopRequested { return SyncStop(.interrupted, "stopped on request while waiting to retry") }
        var delay = options.retry.delay(afterFailures: failures, jitter: environment.jitter())
        if let retryAfter = error.retryAfter {
            if retryAfter > options.retry.maximumRetryAfter {
                return SyncStop(.remoteUnavailable, "\(error.message); the remote asks to retry after \(retryAfter)")
            }
            delay = max(delay, retryAfter)
        }
        progress(SyncProgress(answered: answered, total: total, waiting: (delay, error.message)))
        try await environment.sleep(delay)
        return nil
    }

    static func stopKind(for error: RemoteError) -> SyncStop.Kind {
        switch error.kind {
        case .authenticationRefused: .authenticationRefused
        case .forbidden: .forbidden
        case .protocolViolation: .protocolViolation
        case .untrustedCertificate: .untrustedCertificate
        case .wrongScheme: .wrongScheme
        default: .remoteUnavailable
        }
    }
}

extension PushResult {
    /// Whether the operation needs no more sending in this run.
    var isFinal: Bool {
        switch self {
        case .answered(.deferred), .unanswered: false
        case .answered, .gaveUp: true
        }
    }
}
