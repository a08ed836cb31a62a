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
    let journal: Journal
    let remote: any RemoteAdapter
    let options: SyncOptions
    let environment: SyncEnvironment
    var stopRequested = false
    var lease: SyncLease?

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
            if summary.stop == nil {
                try await pullAndResolve(into: &summary, progress: progress)
            }
            // What this run wrote (pushed, accepted, pulled) is anchored before the run ends.
            if summary.stop == nil || summary.stop?.kind == .interrupted,
                let stop = try await anchorAudit(into: &summary)
            {
                summary.stop = stop
            }
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

    func releaseLease() {
        if let lease { try? journal.releaseSyncLease(lease) }
        lease = nil
    }

    func currentLease() throws -> SyncLease {
        guard let held = lease else {
            throw JournalError(code: .leaseLost, message: "This sync holds no lease.")
        }
        let kept = try journal.keepSyncLease(held, duration: options.leaseDuration)
        lease = kept
        return kept
    }

    func pushAll(into summary: inout SyncSummary, progress: @Sendable (SyncProgress) -> Void) async throws {
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
        // A chain break is found before anything is sent: the centre refuses the pushes anyway.
        if let stop = try await anchorAudit(into: &summary) {
            summary.stop = stop
            return
        }

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
            // Failed pushes in a row of the one operation left alone (see maximumFailuresAlone).
            var failuresAlone = (sequence: Int64(-1), count: 0)
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
                    if remaining.count == 1, let only = remaining.first {
                        failuresAlone =
                            failuresAlone.sequence == only.sequence
                            ? (only.sequence, failuresAlone.count + 1) : (only.sequence, 1)
                    }
                    results = remaining.map { item in
                        unanswered(
                            item,
                            error: error,
                            failuresAlone: remaining.count == 1 ? failuresAlone.count : 0
                        )
                    }
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
}
