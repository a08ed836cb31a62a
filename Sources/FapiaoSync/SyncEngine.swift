import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation
import Logging

/// Replays a journal's outbox to a remote, exactly once, then pulls changes made elsewhere
/// and settles the conflicts its policies allow (DESIGN §5).
///
/// One run: take the journal's lease; check the remote answers; then, in journal order and
/// in batches, mark operations in flight, push them, and record each operation's outcome.
/// Then pull the branch's invoices changed elsewhere since the pull cursor, apply the ones
/// that dominate, record the concurrent ones as conflicts, let the resolver settle what its
/// policies allow, and push those resolutions (a few rounds at most).
/// A request that fails leaves its operations in doubt (when it may have landed) or
/// pending (when it cannot have), to be re-sent with the same ids after a backoff. The
/// remote's duplicate detection turns a re-sent operation that had landed into a success.
public actor SyncEngine {
    private let journal: Journal
    private let remote: any RemoteAdapter
    private let options: SyncOptions
    private let environment: SyncEnvironment
    private var stopRequested = false
    private var lease: SyncLease?

    public init(
        journal: Journal,
        remote: any RemoteAdapter,
        options: SyncOptions,
        environment: SyncEnvironment = SyncEnvironment()
    ) {
        self.journal = journal
        self.remote = remote
        self.options = options
        self.environment = environment
    }

    /// Asks a running sync to stop after the batch in flight; the lease is released.
    public func requestStop() { stopRequested = true }

    /// Runs until the outbox holds nothing more to send, or the run has to stop.
    ///
    /// - Returns: what was sent and how it ended; ``SyncSummary/stop`` says why it ended early.
    /// - Throws: ``JournalError`` (`.leaseHeld` when another sync runs) and storage errors.
    public func run(progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }) async throws -> SyncSummary {
        lease = try journal.acquireSyncLease(owner: options.owner, duration: options.leaseDuration)
        var summary = SyncSummary()
        do {
            try await pushAll(into: &summary, progress: progress)
            try await pullAndResolve(into: &summary, progress: progress)
        } catch let error as JournalError where error.code == .leaseLost {
            summary.stop = SyncStop(.leaseLost, error.message)
        } catch {
            releaseLease()
            throw error
        }
        releaseLease()
        let counts = try journal.operationCounts()
        summary.blocked = try journal.blockedOperationCount()
        summary.remaining = counts.values.reduce(0, +) - summary.blocked
        // In doubt means "in doubt now": operations whose doubt a later answer settled are not counted.
        summary.tally.inDoubt = counts[.inDoubt] ?? 0
        summary.openConflicts = try journal.openConflictCount()
        let failed = summary.stop.map { $0.kind != .interrupted } ?? false
        try? journal.recordSyncRun(succeeded: summary.stop == nil, error: failed ? summary.stop?.message : nil)
        return summary
    }

    private func releaseLease() {
        if let lease { try? journal.releaseSyncLease(lease) }
        lease = nil
    }

    private func currentLease() throws -> SyncLease {
        guard let held = lease else {
            throw JournalError(code: .leaseLost, message: "This sync holds no lease.")
        }
        let kept = try journal.keepSyncLease(held, duration: options.leaseDuration)
        lease = kept
        return kept
    }

    private func pushAll(into summary: inout SyncSummary, progress: @Sendable (SyncProgress) -> Void) async throws {
        let total = try journal.status().pendingOperations
        var answered = 0
        var failures = 0

        // The remote must answer before anything is marked in flight: a branch retrying
        // every minute through a long outage then writes nothing at all.
        while true {
            do {
                let health = try await remote.health()
                if health.isHealthy { break }
                throw RemoteError(.busy, "\(remote.endpoint) reports \(health.status)")
            } catch let error as RemoteError {
                failures += 1
                if let stop = try await waitOrStop(
                    after: error,
                    failures: failures,
                    progress: progress,
                    answered: 0,
                    total: total
                ) {
                    summary.stop = stop
                    return
                }
            }
        }
        failures = 0

        var cursor = try journal.outboxStart()
        var batchSize = options.batchSize
        // Operations dropped from a halved batch are read again; count each once.
        var highestCounted = cursor
        while !stopRequested {
            let batch = try journal.outboxBatch(after: cursor, limit: batchSize)
            if batch.isEmpty { return }
            summary.sent += batch.count { $0.sequence > highestCounted }
            highestCounted = max(highestCounted, batch.last?.sequence ?? highestCounted)
            // At most one operation per invoice per push: a later one (an amend after its
            // create) is read again after the earlier is answered, so it waits behind a
            // create that is refused or in conflict instead of being refused with it.
            var seenInvoices = Set<UUID>()
            var remaining = batch.filter { seenInvoices.insert($0.operation.invoiceID).inserted }
            var settled = Set<Int64>()
            while !remaining.isEmpty {
                try journal.markInFlight(remaining, lease: try currentLease(), actor: options.actor)
                for index in remaining.indices { remaining[index].attempts += 1 }
                summary.requests += 1
                var results: [(item: OutboxItem, result: PushResult)] = []
                var failure: RemoteError?
                do {
                    let outcomes = try await remote.push(remaining.map(\.operation), branch: journal.settings.node)
                    results = classify(remaining, answers: outcomes)
                    if !results.contains(where: \.result.isFinal) {
                        // Nothing was settled: count it as a failure, so a remote that keeps
                        // answering nothing ends the run instead of looping.
                        failure = RemoteError(
                            .busy,
                            "\(remote.endpoint) processed none of \(remaining.count) operations"
                        )
                    }
                } catch let error as RemoteError {
                    failure = error
                    results = remaining.map { item in unanswered(item, error: error, alone: remaining.count == 1) }
                    if error.mayHaveApplied {
                        for index in remaining.indices { remaining[index].status = .inDoubt }
                    }
                }
                if !results.isEmpty {
                    summary.tally =
                        summary.tally + (try journal.record(results, lease: try currentLease(), actor: options.actor))
                }
                let finals = Set(results.filter(\.result.isFinal).map(\.item.sequence))
                settled.formUnion(finals)
                remaining.removeAll { finals.contains($0.sequence) }
                answered += finals.count
                progress(SyncProgress(answered: answered, total: total))
                guard let failure else {
                    failures = 0
                    batchSize = min(options.batchSize, batchSize * 2)
                    continue
                }
                if remaining.isEmpty { continue }
                if failure.mayHaveApplied, failure.isTransient, remaining.count > 1 {
                    // A batch that keeps failing may hold an operation the remote chokes on:
                    // halve it, down to one, so that operation is isolated and the rest go
                    // through. Halving is progress, not a strike towards giving up.
                    remaining = Array(remaining.prefix((remaining.count + 1) / 2))
                    batchSize = remaining.count
                    let delay = options.retry.delay(afterFailures: 1, jitter: environment.jitter())
                    progress(SyncProgress(answered: answered, total: total, waiting: (delay, failure.message)))
                    try await environment.sleep(delay)
                    continue
                }
                failures += 1
                if let stop = try await waitOrStop(
                    after: failure,
                    failures: failures,
                    progress: progress,
                    answered: answered,
                    total: total
                ) {
                    summary.stop = stop
                    return
                }
            }
            // Continue after the settled prefix; operations held back or dropped by halving
            // are read again.
            cursor = batch.prefix { settled.contains($0.sequence) }.last?.sequence ?? cursor
        }
        summary.stop = SyncStop(.interrupted, "stopped on request after the batch in flight")
    }

    /// Pulls, resolves what the policies allow and pushes the resolutions, until a round
    /// settles nothing more (at most ``maximumResolveRounds``): a resolution the remote answers
    /// with a new conflict (it changed again meanwhile) gets another round.
    private func pullAndResolve(
        into summary: inout SyncSummary,
        progress: @Sendable (SyncProgress) -> Void
    )
        async throws
    {
        for _ in 0..<Self.maximumResolveRounds {
            guard summary.stop == nil, !stopRequested else { return }
            try await pullAll(into: &summary, progress: progress)
            guard summary.stop == nil else { return }
            let resolutions = try journal.resolveAutomatically()
            summary.resolved += resolutions.count
            guard !resolutions.isEmpty else { return }
            try await pushAll(into: &summary, progress: progress)
        }
    }

    static let maximumResolveRounds = 3

    /// Fetches the branch's invoices changed elsewhere since the pull cursor, page by page,
    /// and applies each page with the cursor in one journal transaction.
    private func pullAll(into summary: inout SyncSummary, progress: @Sendable (SyncProgress) -> Void) async throws {
        var cursor = try journal.syncHistory().pullCursor
        var failures = 0
        while !stopRequested {
            let page: ChangePage
            do {
                page = try await remote.changes(
                    branch: journal.settings.node,
                    since: cursor,
                    limit: options.batchSize
                )
            } catch let error as RemoteError {
                failures += 1
                if let stop = try await waitOrStop(
                    after: error,
                    failures: failures,
                    progress: progress,
                    answered: 0,
                    total: 0
                ) {
                    summary.stop = stop
                    return
                }
                continue
            }
            failures = 0
            let tally = try journal.applyRemoteChanges(page, lease: try currentLease(), actor: options.actor)
            summary.pulled = summary.pulled + tally
            cursor = page.cursor
            if !page.hasMore { return }
        }
    }

    /// The result for an operation whose push failed: in doubt or pending again, or, alone in
    /// its push after too many attempts, given up (quarantined, re-sent on requeue).
    private func unanswered(
        _ item: OutboxItem,
        error: RemoteError,
        alone: Bool
    ) -> (item: OutboxItem, result: PushResult) {
        // An operation that may have landed earlier stays in doubt even if this attempt never left.
        let mayHaveApplied = error.mayHaveApplied || item.status == .inDoubt || item.status == .inFlight
        if mayHaveApplied, alone, item.attempts >= options.maximumAttempts {
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
    private func classify(
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
    private func waitOrStop(
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

    private static func stopKind(for error: RemoteError) -> SyncStop.Kind {
        switch error.kind {
        case .authenticationRefused: .authenticationRefused
        case .forbidden: .forbidden
        case .protocolViolation: .protocolViolation
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
