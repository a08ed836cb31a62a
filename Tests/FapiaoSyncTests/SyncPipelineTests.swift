import FapiaoCentralStore
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// The engine's bookkeeping while a request is away (DESIGN §5).
///
/// The previous batch's answers are written and the next batch read during the push, and audit
/// pages are anchored alongside the pushes when the remote takes two requests at once. Nothing of
/// it may change what lands.
@Suite struct SyncPipelineTests {
    let harness: SyncHarness

    init() throws {
        harness = try SyncHarness()
    }

    var journal: Journal { harness.journal }

    @Test func aRedInvoiceInTheSameBatchAsItsOriginalGoesInTheSameRunAfterIt() async throws {
        let original = try harness.capture(1)
        let red = InvoiceInput.red(
            reversing: original.invoice,
            number: InvoiceFixtures.number(101),
            code: nil,
            issueDate: harness.clock.shanghaiToday,
            reason: "销货退回",
            confirmation: "11010026110000000001",
            amounts: nil
        )
        try journal.capture(red, options: SyncHarness.options)
        try harness.importInvoices(2...5)

        let summary = try await harness.engine(batchSize: 500).run()

        #expect(summary.stop == nil)
        #expect(summary.sent == 6)
        #expect(summary.tally.accepted == 6)
        #expect(summary.remaining == 0)
        // The red invoice waited for its original's answer: a request of its own after the first.
        #expect(summary.requests == 2)
        #expect(try await harness.store.invoiceCount() == 6)
    }

    @Test func laterChangesOfAnInvoiceWaitForTheAnswerToTheEarlierOneAcrossBatches() async throws {
        // Batches of 2: the amend of invoice 1 is read ahead while its create is in flight.
        try harness.importInvoices(1...3)
        let first = try journal.invoice(InvoiceFixtures.number(1))
        try journal.amend(
            first.invoice.id.uuidString,
            changes: InvoiceInput(fields: ["buyer.name": "北京新买方有限公司"]),
            options: SyncHarness.options
        )
        try harness.importInvoices(4...6)

        let summary = try await harness.engine(batchSize: 2).run()

        #expect(summary.stop == nil)
        #expect(summary.sent == 7)
        #expect(summary.tally.accepted == 7)
        #expect(summary.remaining == 0)
        let lookup = try await harness.store.lookup([first.invoice.id])
        #expect(lookup.found.first?.invoice.buyer.name == "北京新买方有限公司")
    }

    @Test func anAmendReadAheadWhileItsCreateIsInFlightWaitsForTheRefusal() async throws {
        // Batches of 2: [1, 2], then [refused create, 5] in flight while [its amend, 6] is read
        // ahead. The refusal is answered before the amend would go: the amend must wait, unsent.
        let first = try harness.capture(1)
        let second = try harness.capture(2)
        let refused = try harness.captureRefusedByTheCentre(3)
        let fifth = try harness.capture(5)
        let amend = try harness.amendBuyerOfRefused(refused)
        let sixth = try harness.capture(6)

        let summary = try await harness.engine(batchSize: 2).run()

        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 4)
        #expect(summary.tally.quarantined == 1)
        #expect(summary.blocked == 1)
        #expect(
            harness.remote.pushes.map(\.operationIDs) == [
                [first.operationID, second.operationID], [refused.operationID, fifth.operationID],
                [sixth.operationID],
            ]
        )
        #expect(try harness.operationStatuses()[amend.operationID] == "pending")
        try harness.expectJournalSound()
    }

    @Test func pagesAnchoredAlongsideThePushesLeaveTheWholeChainAnchored() async throws {
        // A store that takes concurrent requests (SQLite), so the engine anchors alongside.
        let store = try SQLiteCentralStore(path: harness.directory.file("central.sqlite"))
        let remote = StoreRemote(store: store, endpoint: "sqlite:central.sqlite")
        #expect(remote.takesConcurrentRequests)
        try harness.importInvoices(1...1_200)
        let engine = SyncEngine(
            journal: journal,
            remote: remote,
            options: SyncOptions(batchSize: 100, owner: "test/engine", actor: SyncHarness.syncActor),
            environment: harness.environment
        )

        let summary = try await engine.run()

        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 1_200)
        // 1 init + 1,200 captured + 1,200 pushed + 1,200 accepted entries, each anchored once.
        #expect(summary.anchor.shipped == 3_601)
        let head = try journal.auditHead()
        #expect(summary.anchor.head == head)
        #expect(try await store.anchorState(branch: SyncHarness.node).head == head)
        #expect(try await store.invoiceCount() == 1_200)
    }

    // MARK: The next batch marked while the one before is away

    /// How many invoices the journal holds in flight once it holds `wanted`, looking again for a
    /// while: the engine marks the next batch while the request the caller sits in is away.
    func inFlightOnce(reaching wanted: Int) async throws -> Int {
        var seen = 0
        for _ in 0..<2_000 {
            seen = try journal.status().byState[.inFlight] ?? 0
            if seen >= wanted { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        return seen
    }

    @Test func theNextBatchIsMarkedInFlightWhileTheOneBeforeIsAway() async throws {
        try harness.importInvoices(1...30)
        let inFlight = Recorder<Int>()
        harness.remote.beforePush { [self] number in
            if number == 1 { inFlight.record((try? await inFlightOnce(reaching: 20)) ?? -1) }
        }

        let summary = try await harness.engine(batchSize: 10).run()

        // While the first request was away, the second batch was marked too.
        #expect(inFlight.all == [20])
        #expect(summary.stop == nil)
        #expect(summary.requests == 3)
        #expect(summary.tally.accepted == 30)
        // Marked once each, as before: one `pushed` entry per operation, and one attempt.
        let pushed = try harness.operations(with: .pushed)
        #expect(pushed.count == 30)
        #expect(Set(pushed).count == 30)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func operationsMarkedBehindARequestThatFailsAreSentLaterWithoutBeingMarkedAgain() async throws {
        try harness.importInvoices(1...30)
        // The first request cannot reach the centre; the second batch is marked meanwhile.
        harness.remote.script(.unreachable)

        let summary = try await harness.engine(batchSize: 10).run()

        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 30)
        #expect(try await harness.store.invoiceCount() == 30)
        let pushed = try harness.operations(with: .pushed)
        let first = Set(try (1...10).flatMap { try harness.operationIDs(ofInvoice: $0) })
        // The first batch went twice; every other operation was marked (and sent) once.
        #expect(pushed.filter { first.contains($0) }.count == 20)
        #expect(pushed.filter { !first.contains($0) }.count == 20)
        #expect(Set(pushed.filter { !first.contains($0) }).count == 20)
        // Nothing was judged in doubt: the failed request never reached the centre.
        #expect(try harness.operations(with: .inDoubt).isEmpty)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func aRunThatStopsWithABatchMarkedAheadPutsItBackInTheOutbox() async throws {
        try harness.importInvoices(1...30)
        let box = EngineBox()
        harness.remote.beforePush { number in
            if number == 1 { await box.value?.requestStop() }
        }
        let engine = harness.engine(batchSize: 10)
        box.set(engine)

        let summary = try await engine.run()

        #expect(summary.stop?.kind == .interrupted)
        #expect(harness.remote.pushCount == 1)
        #expect(try journal.status().byState == [.accepted: 10, .pending: 20])
        // Those marked ahead say why they are pending again; their request never left.
        let putBack = try harness.syncEntries().filter { $0.event == .deferred }
        let marked = Set(try harness.operations(with: .pushed))
        #expect(putBack.allSatisfy { $0.detailsText.contains("not sent: the run ended before its request left") })
        #expect(putBack.allSatisfy { marked.contains($0.operationID ?? UUID()) })
        // The engine marks the second batch before it next waits, so before the stop reaches it.
        #expect(putBack.count == 10)
        #expect(marked.count == 20)
        try harness.expectJournalSound()

        harness.remote.beforePush(nil)
        let rest = try await harness.engine(batchSize: 10).run()
        #expect(rest.tally.accepted == 20)
        #expect(try harness.operations(with: .inDoubt).isEmpty)
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }
}
