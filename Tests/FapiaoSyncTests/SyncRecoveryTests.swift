import FapiaoCore
import FapiaoJournal
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// Runs that end early: asked to stop, crashed mid-batch, or overtaken by another sync job.
@Suite struct SyncRecoveryTests {
    let harness: SyncHarness

    init() throws {
        harness = try SyncHarness()
    }

    var journal: Journal { harness.journal }
    var remote: FaultyRemote { harness.remote }

    @Test func aStopRequestedDuringARunEndsItAfterTheBatchInFlight() async throws {
        try harness.importInvoices(1...30)
        let box = EngineBox()
        remote.beforePush { number in
            if number == 1 { await box.value?.requestStop() }
        }
        let engine = harness.engine(batchSize: 10)
        box.set(engine)

        let summary = try await engine.run()

        #expect(summary.stop?.kind == .interrupted)
        #expect(remote.pushCount == 1)
        #expect(summary.sent == 10)
        #expect(summary.tally.accepted == 10)
        #expect(summary.remaining == 20)
        #expect(try await harness.store.invoiceCount() == 10)
        #expect(try journal.status().byState == [.accepted: 10, .pending: 20])
        #expect(try journal.syncLeaseHolder() == nil)
        let next = try journal.acquireSyncLease(owner: "another/job", duration: .seconds(60))
        try journal.releaseSyncLease(next)

        remote.beforePush(nil)
        let rest = try await harness.engine(batchSize: 10).run()
        #expect(rest.stop == nil)
        #expect(rest.tally.accepted == 20)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func anInterruptedRunThatLeftWorkQueuedIsNotALastSuccess() async throws {
        try harness.importInvoices(1...30)
        let box = EngineBox()
        remote.beforePush { _ in await box.value?.requestStop() }
        let engine = harness.engine(batchSize: 10)
        box.set(engine)

        let summary = try await engine.run()

        #expect(summary.stop?.kind == .interrupted)
        #expect(summary.remaining == 20)
        // SyncHistory.lastSuccess: "the last run that reached the remote and left nothing it
        // could send unsent".
        #expect(try journal.syncHistory().lastSuccess == nil)
        #expect(try journal.syncHistory().lastAttempt != nil)
        try harness.expectJournalSound()
    }

    @Test func operationsLeftInFlightByACrashAreResentWithTheSameIDsAndLandOnce() async throws {
        try harness.importInvoices(1...30)
        // A job marks a batch in flight, pushes it, and dies before recording the answers;
        // the first four had reached the centre.
        let crashed = try journal.acquireSyncLease(owner: "bj-box-2/4242/dead0001", duration: .seconds(120))
        let batch = try journal.outboxBatch(after: journal.outboxStart(), limit: 10)
        try journal.markInFlight(batch, lease: crashed, actor: SyncHarness.syncActor)
        _ = try await harness.store.push(batch.prefix(4).map { try $0.operation.decoded() }, from: SyncHarness.node)
        #expect(try journal.invoices(.state(.inFlight)).count == 10)

        let restarted = try Journal.open(
            at: journal.path,
            environment: .testing(clock: harness.clock, ids: harness.ids)
        )
        defer { try? restarted.close() }
        let refused = await #expect(throws: JournalError.self) {
            try await harness.engine(journal: restarted).run()
        }
        #expect(refused?.code == .leaseHeld)
        #expect(remote.pushCount == 0)

        harness.clock.advance(byMilliseconds: 120_001)
        let summary = try await harness.engine(batchSize: 10, journal: restarted).run()

        #expect(summary.stop == nil)
        #expect(summary.tally.duplicates == 4)
        #expect(summary.tally.accepted == 26)
        let batchIDs = batch.map(\.operation.id)
        #expect(remote.pushes.first?.operationIDs == batchIDs)
        #expect(Set(try harness.operations(with: .duplicate)) == Set(batchIDs.prefix(4)))
        #expect(try journal.status().byState == [.accepted: 30])
        #expect(try await harness.store.invoiceCount() == 30)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func aRunWhoseLeaseIsTakenOverStopsWithoutWritingOutcomes() async throws {
        try harness.importInvoices(1...10)
        let usurper = Recorder<SyncLease>()
        remote.beforePush { [journal] _ in
            if let lease = try? journal.acquireSyncLease(
                owner: "usurper/1/x",
                duration: .seconds(60),
                isAlive: { _ in false }
            ) {
                usurper.record(lease)
            }
        }

        let summary = try await harness.engine().run()

        #expect(summary.stop?.kind == .leaseLost)
        #expect(summary.tally == OutboxTally())
        #expect(try harness.operationStatuses().values.allSatisfy { $0 == "inFlight" })
        #expect(try harness.operations(with: .accepted).isEmpty)
        #expect(try journal.syncLeaseHolder()?.owner == "usurper/1/x")
        let lease = try #require(usurper.all.only)
        try journal.releaseSyncLease(lease)

        remote.beforePush(nil)
        let next = try await harness.engine().run()
        #expect(next.stop == nil)
        #expect(next.tally.duplicates == 10)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func aRunLongerThanItsLeaseRenewsItOnTheJournalsClock() async throws {
        // The journal's clock, which the lease's expiry is written in, runs a year ahead of
        // the system clock; each push takes 45 s of it, and another job tries to take over.
        let systemNow = Int64(Date().timeIntervalSince1970 * 1000)
        harness.clock.now = UTCTimestamp(millisecondsSinceEpoch: systemNow + 365 * 86_400_000)
        try harness.importInvoices(1...30)
        let contender = Recorder<String>()
        remote.beforePush { [journal, clock = harness.clock] _ in
            clock.advance(byMilliseconds: 45_000)
            do {
                let lease = try journal.acquireSyncLease(owner: "other/1/x", duration: .seconds(120)) { _ in true }
                contender.record("took epoch \(lease.epoch)")
            } catch {
                contender.record("refused")
            }
        }

        let summary = try await harness.engine(batchSize: 10).run()

        #expect(summary.stop == nil, "\(summary.stop?.message ?? "")")
        #expect(contender.all == ["refused", "refused", "refused"])
        #expect(summary.tally.accepted == 30)
    }
}
