import FapiaoCentralStore
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// The engine against a remote that works, is down, loses replies, answers part of a batch,
/// is busy or refuses the branch (DESIGN §5).
@Suite struct SyncEngineTests {
    let harness: SyncHarness

    init() throws {
        harness = try SyncHarness()
    }

    var journal: Journal { harness.journal }
    var remote: FaultyRemote { harness.remote }

    @Test func aThousandInvoicesLandOnceAndASecondRunSendsNothing() async throws {
        try harness.importInvoices(1...1_000)
        let progress = Recorder<SyncProgress>()
        let summary = try await harness.engine().run { progress.record($0) }

        #expect(summary.stop == nil)
        #expect(summary.sent == 1_000)
        #expect(summary.requests == 2)
        #expect(summary.tally.accepted == 1_000)
        #expect(summary.tally.duplicates == 0)
        #expect(summary.tally.quarantined == 0)
        #expect(summary.tally.inDoubt == 0)
        #expect(summary.remaining == 0)
        #expect(summary.blocked == 0)
        // 1 init + 1,000 captured + 1,000 pushed + 1,000 accepted entries, all anchored by the end.
        #expect(
            summary.line
                == "sent 1000, accepted 1000, duplicates 0, conflicts 0, quarantined 0, in doubt 0, audit anchored 3001"
        )
        #expect(try await harness.store.anchoredEntries(branch: journal.settings.node).count == 3_001)
        #expect(progress.all.last?.answered == 1_000)
        #expect(progress.all.last?.total == 1_000)

        #expect(try await harness.store.invoiceCount() == 1_000)
        let status = try journal.status()
        #expect(status.byState == [.accepted: 1_000])
        #expect(status.pendingOperations == 0)
        #expect(try harness.operationStatuses().values.allSatisfy { $0 == "accepted" })
        #expect(try harness.operations(with: .pushed).count == 1_000)
        #expect(Set(try harness.operations(with: .accepted)).count == 1_000)
        #expect(try journal.syncHistory().lastSuccess != nil)
        #expect(try journal.syncHistory().lastError == nil)

        let again = try await harness.engine().run()
        #expect(again.stop == nil)
        #expect(again.sent == 0)
        #expect(again.requests == 0)
        #expect(remote.pushCount == 2)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func anUnreachableRemoteStopsTheRunBeforeAnythingIsMarkedInFlight() async throws {
        try harness.importInvoices(1...20)
        let auditBefore = try journal.auditEntries()
        remote.outage(.fail(RemoteError(.unreachable, "connection refused")))

        let summary = try await harness.engine(maximumConsecutiveFailures: 5).run()

        #expect(summary.stop?.kind == .remoteUnavailable)
        #expect(summary.sent == 0)
        #expect(summary.remaining == 20)
        #expect(remote.healthCheckCount == 5)
        #expect(remote.pushCount == 0)
        // Exponential backoff with the injected jitter, between the five checks.
        #expect(harness.delays.all == (1...4).map { RetryPolicy().delay(afterFailures: $0, jitter: 0.5) })
        #expect(harness.delays.all.first ?? .zero < harness.delays.all.last ?? .zero)
        #expect(try journal.auditEntries() == auditBefore)
        #expect(try journal.status().byState == [.pending: 20])
        #expect(try harness.operationStatuses().values.allSatisfy { $0 == "pending" })
        #expect(try journal.syncHistory().lastSuccess == nil)
        #expect(try journal.syncHistory().lastError?.contains("connection refused") == true)
        try harness.expectJournalSound()
    }

    @Test func anUnhealthyRemoteIsWaitedForAndThenUsed() async throws {
        try harness.importInvoices(1...5)
        remote.scriptHealth(.unhealthy("maintenance"), .fail(RemoteError(.busy, "busy", retryAfter: .seconds(30))))

        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(remote.healthCheckCount == 3)
        #expect(harness.delays.all == [RetryPolicy().delay(afterFailures: 1, jitter: 0.5), .seconds(30)])
        #expect(summary.tally.accepted == 5)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    static let lostReplyScripts: [[FaultyRemote.Fault]] = [
        [.loseReply],
        [.loseReply, .passThrough, .loseReply],
        [.loseReply, .loseReply, .loseReply],
        [.passThrough, .passThrough, .loseReply, .passThrough, .loseReply],
    ]

    @Test(arguments: lostReplyScripts)
    func lostRepliesAreResentWithTheSameIDsAndCountAsDuplicates(script: [FaultyRemote.Fault]) async throws {
        try harness.importInvoices(1...250)
        let queued = Set(try harness.operationClocks().keys)
        for fault in script { remote.script(fault) }

        let summary = try await harness.engine(batchSize: 50).run()

        #expect(summary.stop == nil)
        #expect(remote.unusedFaults == 0)
        // Every operation forwarded in a push whose reply was lost had landed; it is sent
        // again with the same id and answered `duplicate`, once.
        let landedUnacknowledged = Set(
            remote.pushes.filter { !$0.answerDelivered && !$0.remoteAnswers.isEmpty }.flatMap(\.operationIDs)
        )
        #expect(!landedUnacknowledged.isEmpty)
        let duplicates = try harness.operations(with: .duplicate)
        #expect(duplicates.count == Set(duplicates).count)
        #expect(Set(duplicates) == landedUnacknowledged)
        #expect(summary.tally.duplicates == landedUnacknowledged.count)
        #expect(summary.tally.accepted == 250 - landedUnacknowledged.count)
        #expect(Set(try harness.operations(with: .inDoubt)) == landedUnacknowledged)
        #expect(Set(remote.pushedOperationIDs) == queued)

        #expect(try await harness.store.invoiceCount() == 250)
        #expect(try journal.status().byState == [.accepted: 250])
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func sentCountsEachOperationOnceWhenAFailingBatchIsHalved() async throws {
        try harness.importInvoices(1...20)
        remote.script(.loseReply)

        let summary = try await harness.engine(batchSize: 10).run()

        #expect(summary.stop == nil)
        #expect(Set(remote.pushedOperationIDs).count == 20)
        // SyncSummary.sent: "distinct operations sent at least once in this run".
        #expect(summary.sent == 20)
        try harness.expectJournalSound()
    }

    @Test func anUnreadableAnswerToAPushLeavesTheBatchInDoubtAndStopsWithoutHalving() async throws {
        try harness.importInvoices(1...20)
        remote.script(.fail(RemoteError.unreadableAnswer("the program answered 9 outcomes for 10 operations")))

        let summary = try await harness.engine(batchSize: 10).run()

        #expect(summary.stop?.kind == .protocolViolation)
        #expect(summary.requests == 1)
        #expect(summary.tally.inDoubt == 10)
        #expect(try journal.status().byState[.inDoubt] == 10)
        #expect(try journal.status().byState[.pending] == 10)
        // The next run sends the same operation ids again and everything lands once.
        let again = try await harness.engine(batchSize: 10).run()
        #expect(again.stop == nil)
        #expect(try journal.status().byState == [.accepted: 20])
        try harness.expectJournalSound()
    }

    @Test func aRunThatSettlesEverythingReportsNothingInDoubt() async throws {
        try harness.importInvoices(1...20)
        remote.script(.loseReply)

        let summary = try await harness.engine(batchSize: 10).run()

        #expect(summary.stop == nil)
        #expect(summary.tally.duplicates == 10)
        #expect(try journal.status().byState == [.accepted: 20])
        // OutboxTally counts "how many operations ended how"; none ended in doubt, as in the
        // example line "… duplicates 2, conflicts 0, quarantined 0, in doubt 0".
        #expect(summary.tally.inDoubt == 0)
        #expect(!summary.line.contains("in doubt 1"))
        try harness.expectJournalSound()
    }

    @Test func progressWhileWaitingKeepsTheCountAnsweredSoFar() async throws {
        try harness.importInvoices(1...20)
        remote.script(.passThrough, .unreachable)
        let progress = Recorder<SyncProgress>()

        let summary = try await harness.engine(batchSize: 10).run { progress.record($0) }

        #expect(summary.stop == nil)
        let waiting = progress.all.filter { $0.waiting != nil }
        #expect(waiting.count == 1)
        // SyncProgress.answered: "operations answered so far".
        #expect(waiting.first?.answered == 10)
        let counts = progress.all.map(\.answered)
        #expect(counts == counts.sorted())
        #expect(counts.last == 20)
        try harness.expectJournalSound()
    }

    @Test func aPartialBatchIsCompletedAndEverythingLandsOnce() async throws {
        try harness.importInvoices(1...100)
        remote.script(.partial(15), .partial(0), .partial(30))

        let summary = try await harness.engine(batchSize: 40).run()

        #expect(summary.stop == nil)
        #expect(remote.unusedFaults == 0)
        #expect(summary.sent == 100)
        #expect(summary.tally.accepted == 100)
        #expect(summary.tally.duplicates == 0)
        // The push the remote answered nothing for counts as a failure and is waited out once.
        #expect(harness.delays.all == [RetryPolicy().delay(afterFailures: 1, jitter: 0.5)])
        #expect(remote.pushes[1].operationIDs == Array(remote.pushes[0].operationIDs.dropFirst(15)))
        let accepted = remote.remoteAnswerCounts("accepted")
        #expect(accepted.count == 100)
        #expect(accepted.values.allSatisfy { $0 == 1 })
        #expect(try journal.status().byState == [.accepted: 100])
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func aBusyRemoteIsWaitedOutForAsLongAsItsRetryAfterSays() async throws {
        try harness.importInvoices(1...10)
        remote.script(.busy(retryAfter: .seconds(7)))

        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(harness.delays.all.count == 1)
        #expect(try #require(harness.delays.all.first) >= .seconds(7))
        #expect(remote.pushCount == 2)
        #expect(summary.tally.accepted == 10)
        // The busy remote applied nothing: the operations were deferred, not in doubt.
        #expect(try harness.operations(with: .deferred).count == 10)
        #expect(try harness.operations(with: .inDoubt).isEmpty)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func aRetryAfterLongerThanTheRunWaitsStopsIt() async throws {
        try harness.importInvoices(1...10)
        remote.script(.busy(retryAfter: .seconds(600)))

        let summary = try await harness.engine().run()

        #expect(summary.stop?.kind == .remoteUnavailable)
        #expect(harness.delays.all.isEmpty)
        #expect(summary.remaining == 10)
        #expect(try journal.status().byState == [.pending: 10])
        #expect(try await harness.store.invoiceCount() == 0)
        try harness.expectJournalSound()
    }

    @Test func aRemoteThatKeepsFailingEndsTheRunWithEverythingStillQueued() async throws {
        try harness.importInvoices(1...10)
        remote.script(.unreachable, times: 3)

        let summary = try await harness.engine(maximumConsecutiveFailures: 3).run()

        #expect(summary.stop?.kind == .remoteUnavailable)
        #expect(remote.pushCount == 3)
        #expect(harness.delays.all.count == 2)
        #expect(summary.remaining == 10)
        #expect(try harness.operationStatuses().values.allSatisfy { $0 == "pending" })
        #expect(try harness.operations(with: .inDoubt).isEmpty)

        let retried = try await harness.engine().run()
        #expect(retried.stop == nil)
        #expect(retried.tally.accepted == 10)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test(arguments: [
        (FaultyRemote.Fault.authenticationRefused, SyncStop.Kind.authenticationRefused),
        (.forbidden, .forbidden),
    ])
    func refusedCredentialsStopTheRunWithOperationsPending(
        fault: FaultyRemote.Fault,
        kind: SyncStop.Kind
    )
        async throws
    {
        try harness.importInvoices(1...5)
        remote.script(fault)

        let summary = try await harness.engine().run()

        #expect(summary.stop?.kind == kind)
        #expect(remote.pushCount == 1)
        #expect(harness.delays.all.isEmpty)
        #expect(summary.remaining == 5)
        #expect(summary.tally.inDoubt == 0)
        #expect(try harness.operationStatuses().values.allSatisfy { $0 == "pending" })
        #expect(try journal.status().byState == [.pending: 5])
        #expect(try harness.operations(with: .inDoubt).isEmpty)
        #expect(try harness.operations(with: .deferred).count == 5)
        #expect(try await harness.store.invoiceCount() == 0)
        #expect(try journal.syncHistory().lastSuccess == nil)
        try harness.expectJournalSound()
    }
}
