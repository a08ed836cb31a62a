import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation
import Logging

extension SyncEngine {
    func pushAll(into summary: inout SyncSummary, progress: @Sendable (SyncProgress) -> Void) async throws {
        let total = try journal.outboxFigures().pendingOperations
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
        // A chain break is found before anything is sent: the centre refuses the pushes anyway.
        // Where a second connection is possible, the first page tells, and the rest of the
        // chain goes alongside the pushes.
        let concurrent = remote.takesConcurrentRequests
        if let stop = try await anchorAudit(into: &summary, firstPageOnly: concurrent) {
            summary.stop = stop
            return
        }

        // Answers of the last batch, all final, are written while the next batch is on its way
        // (see pushBatches); whatever ends the loop, they are written before the run goes on.
        var unrecorded: [(item: OutboxItem, result: PushResult)] = []
        // Operations marked in flight while the batch before them was away (see pushBatches);
        // any not sent when the loop ends are put back in the outbox before the run goes on.
        var markedAhead: [Int64: OutboxItem] = [:]
        // Pages are anchored while the pushes go on when at least a page is or will be waiting
        // (two audit entries per operation).
        var alongside: AnchoringAlongside?
        if concurrent, let last = lastAnchoring,
            try journal.auditHead().sequence - last.state.head.sequence + Int64(total) * 2 >= Int64(Self.anchorPage)
        {
            alongside = anchorAlongside(from: last.state, report: last.report)
        }
        do {
            try await pushBatches(
                into: &summary,
                unrecorded: &unrecorded,
                markedAhead: &markedAhead,
                total: total,
                alongside: alongside,
                progress: progress
            )
        } catch {
            if let lease = try? currentLease() {
                if !unrecorded.isEmpty { _ = try? journal.record(unrecorded, lease: lease, actor: options.actor) }
                _ = try? putBack(markedAhead, lease: lease)
            }
            if let alongside { summary.anchor.shipped += await alongside.finish() }
            throw error
        }
        try recordAnswers(&unrecorded, into: &summary)
        try putBack(markedAhead, lease: try currentLease())
        if let alongside { summary.anchor.shipped += await alongside.finish() }
    }

    /// Writes answers held back for a later write (see
    /// ``pushBatches(into:unrecorded:markedAhead:total:alongside:progress:)``).
    func recordAnswers(
        _ unrecorded: inout [(item: OutboxItem, result: PushResult)],
        into summary: inout SyncSummary
    ) throws {
        guard !unrecorded.isEmpty else { return }
        summary.tally =
            summary.tally + (try journal.record(unrecorded, lease: try currentLease(), actor: options.actor))
        unrecorded = []
    }

    /// One push, with the remote's refusal as a value, so that it can be awaited after the
    /// bookkeeping done while it is away; any other error is thrown.
    static func send(
        _ operations: [StoredOperation],
        to remote: any RemoteAdapter,
        branch: String
    ) async throws -> Result<[OperationOutcome], RemoteError> {
        do {
            return .success(try await remote.push(operations, branch: branch))
        } catch let error as RemoteError {
            return .failure(error)
        }
    }

    /// Sends the outbox in batches, in journal order, until it is empty or the run has to stop.
    ///
    /// Each batch is marked in flight (durably) before its request leaves, as always. While a
    /// request is on its way the branch does the bookkeeping that does not depend on its answer:
    /// it writes the previous batch's answers and reads the next batch, so the branch and the
    /// remote work at the same time instead of in turn. Only a batch whose every operation got a
    /// final answer has its answers written late (`unrecorded`); a failed or partly answered
    /// batch is written at once and handled as before. Operations of an invoice whose answer is
    /// not written yet wait for the next read, and an operation skipped by a read ahead (a red
    /// invoice whose original was still in flight) is found by a last pass from the start.
    func pushBatches(
        into summary: inout SyncSummary,
        unrecorded: inout [(item: OutboxItem, result: PushResult)],
        markedAhead: inout [Int64: OutboxItem],
        total: Int,
        alongside: AnchoringAlongside?,
        progress: @Sendable (SyncProgress) -> Void
    ) async throws {
        var answered = 0
        var failures = 0
        var cursor = try journal.outboxStart()
        var batchSize = options.batchSize
        // Operations dropped from a halved batch are read again; count each once.
        var highestCounted = cursor
        var readAhead: (after: Int64, batch: [OutboxItem])?
        var settledSinceStart = false
        while !stopRequested {
            let batch: [OutboxItem]
            if let ready = readAhead, ready.after == cursor {
                batch = ready.batch
            } else {
                batch = try journal.outboxBatch(after: cursor, limit: batchSize)
            }
            readAhead = nil
            if batch.isEmpty {
                try recordAnswers(&unrecorded, into: &summary)
                // Once more from the oldest unanswered operation: operations passed over on the
                // way (held back behind their invoice's earlier change, or read ahead while it
                // was in flight) go now. A pass that settles nothing ends the run, and so does an
                // outbox with nothing unanswered left: no pass then reads the journal's history.
                guard settledSinceStart, let oldest = try journal.oldestUnansweredSequence(), oldest <= cursor
                else { return }
                let start = oldest - 1
                // Every operation read in the last pass was settled in it, so what this pass
                // reads is new to the run: count it afresh.
                settledSinceStart = false
                cursor = start
                highestCounted = start
                continue
            }
            summary.sent += batch.count { $0.sequence > highestCounted }
            highestCounted = max(highestCounted, batch.last?.sequence ?? highestCounted)
            // At most one operation per invoice per push: a later one (an amend after its
            // create) is read again after the earlier is answered, so it waits behind a
            // create that is refused or in conflict instead of being refused with it. The
            // invoices of answers not written yet count as seen.
            var seenInvoices = Set(unrecorded.map(\.item.operation.invoiceID))
            var remaining = batch.filter { seenInvoices.insert($0.operation.invoiceID).inserted }
            if remaining.isEmpty {
                // Everything read waits for answers not written yet: write them, and read again
                // (what may go depends on them).
                try recordAnswers(&unrecorded, into: &summary)
                readAhead = nil
                continue
            }
            var settled = Set<Int64>()
            // Failed pushes in a row of the one operation left alone (see maximumFailuresAlone).
            var failuresAlone = (sequence: Int64(-1), count: 0)
            while !remaining.isEmpty {
                // Those marked while the batch before was away are not marked again: they go as
                // they were marked (their attempt counted, their status as read before).
                let unmarked = remaining.filter { markedAhead[$0.sequence] == nil }
                if !unmarked.isEmpty {
                    try journal.markInFlight(unmarked, lease: try currentLease(), actor: options.actor)
                }
                for index in remaining.indices {
                    if let marked = markedAhead.removeValue(forKey: remaining[index].sequence) {
                        remaining[index] = marked
                    } else {
                        remaining[index].attempts += 1
                    }
                }
                summary.requests += 1
                let operations = remaining.map(\.operation)
                let (remote, branch) = (self.remote, journal.settings.node)
                async let answer = Self.send(operations, to: remote, branch: branch)
                // While the request is away: the previous batch's answers, then the next batch.
                try recordAnswers(&unrecorded, into: &summary)
                alongside?.batches.yield()
                if remaining.count == batch.count, let last = batch.last?.sequence, readAhead == nil {
                    let next = try journal.outboxBatch(after: last, limit: batchSize)
                    if !stopRequested { try markAhead(next, behind: remaining, into: &markedAhead) }
                    readAhead = (last, next)
                }
                var results: [(item: OutboxItem, result: PushResult)] = []
                var failure: RemoteError?
                switch try await answer {
                case .success(let outcomes):
                    results = classify(remaining, answers: outcomes)
                    if !results.contains(where: \.result.isFinal) {
                        // Nothing was settled: count it as a failure, so a remote that keeps
                        // answering nothing ends the run instead of looping.
                        failure = RemoteError(
                            .busy,
                            "\(remote.endpoint) processed none of \(remaining.count) operations"
                        )
                    }
                case .failure(let error):
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
                let finals = Set(results.filter(\.result.isFinal).map(\.item.sequence))
                if failure == nil, finals.count == remaining.count {
                    unrecorded = results
                } else {
                    if !results.isEmpty {
                        summary.tally =
                            summary.tally
                            + (try journal.record(results, lease: try currentLease(), actor: options.actor))
                    }
                    // The batch read ahead may hold a later change of an invoice just refused or
                    // in conflict: read again once this batch is done.
                    readAhead = nil
                }
                settled.formUnion(finals)
                if !finals.isEmpty { settledSinceStart = true }
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
