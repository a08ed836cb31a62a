import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// One bad invoice never blocks the others: refusals and poison operations go to quarantine,
/// later changes of a quarantined invoice wait, and requeue sends them again (DESIGN §5).
@Suite struct SyncQuarantineTests {
    let harness: SyncHarness

    init() throws {
        harness = try SyncHarness()
    }

    var journal: Journal { harness.journal }
    var remote: FaultyRemote { harness.remote }

    /// Captures invoices 1, 2, 4, 5 and the centre-refused invoice 3, syncs, and returns the
    /// refused invoice's receipt and the reason the centre gives for it.
    func syncWithOneRefusal() async throws -> (refused: CaptureReceipt, reason: String, summary: SyncSummary) {
        try harness.capture(1)
        try harness.capture(2)
        let refused = try harness.captureRefusedByTheCentre(3)
        try harness.capture(4)
        try harness.capture(5)
        let item = try #require(
            try journal.outboxBatch(after: 0, limit: 10).first { $0.operation.id == refused.operationID }
        )
        let reason = try #require(CentralRules.invalidity(of: try item.operation.decoded(), policy: .standard))
        let summary = try await harness.engine().run()
        return (refused, reason, summary)
    }

    @Test func anInvoiceTheCentreRefusesIsQuarantinedWithItsReasonAndTheOthersGoThrough() async throws {
        let (refused, reason, summary) = try await syncWithOneRefusal()

        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 4)
        #expect(summary.tally.quarantined == 1)
        #expect(summary.remaining == 0)
        #expect(summary.blocked == 0)
        #expect(reason.contains("seller.taxID"))

        let record = try journal.invoice(refused.invoice.id.uuidString)
        #expect(record.syncState == .quarantined)
        #expect(record.stateReason == "rejected by the remote: \(reason)")
        let entry = try #require(try journal.quarantine().only)
        #expect(entry.invoiceID == refused.invoice.id)
        #expect(entry.operationID == refused.operationID)
        #expect(entry.operationKind == "create")
        #expect(entry.number == InvoiceFixtures.number(3))
        #expect(entry.gross == "552.00")
        #expect(entry.reason == "rejected by the remote: \(reason)")
        #expect(entry.attempts == 1)
        #expect(entry.waitingChanges == 0)
        #expect(try harness.operations(with: .rejected) == [refused.operationID])
        #expect(try harness.operations(with: .quarantined) == [refused.operationID])

        #expect(try journal.status().byState == [.accepted: 4, .quarantined: 1])
        #expect(try await harness.store.lookup([refused.invoice.id]).missing == [refused.invoice.id])
        #expect(try await harness.store.invoiceCount() == 4)
        try harness.expectJournalSound()
    }

    @Test func anAmendOfAQuarantinedInvoiceWaitsWhileOtherInvoicesGoThrough() async throws {
        let (refused, _, _) = try await syncWithOneRefusal()
        let amend = try harness.amendBuyerOfRefused(refused)
        let other = try harness.capture(6)
        let pushesBefore = remote.pushCount

        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.blocked == 1)
        #expect(summary.remaining == 0)
        #expect(summary.tally.accepted == 1)
        #expect(remote.pushes.dropFirst(pushesBefore).flatMap(\.operationIDs) == [other.operationID])
        #expect(try harness.operationStatuses()[amend.operationID] == "pending")
        #expect(try journal.invoice(refused.invoice.id.uuidString).syncState == .quarantined)
        #expect(try journal.quarantine().only?.waitingChanges == 1)
        #expect(try journal.blockedOperationCount() == 1)
        #expect(try journal.outboxBatch(after: 0, limit: 100).isEmpty)
        try harness.expectJournalSound()
    }

    @Test func requeueAfterAFixSupersedesTheRefusedCreateAndTheFixIsAccepted() async throws {
        let (refused, _, _) = try await syncWithOneRefusal()
        let fix = try journal.amend(
            refused.invoice.id.uuidString,
            changes: InvoiceInput(fields: ["seller.taxID": InvoiceFixtures.sellerTaxID]),
            options: SyncHarness.options
        )
        let receipt = try journal.requeue(refused.invoice.id.uuidString, actor: SyncHarness.actor)
        #expect(receipt.superseded == [refused.operationID])
        #expect(receipt.requeued.isEmpty)
        #expect(try journal.quarantine().isEmpty)
        let pushesBefore = remote.pushCount

        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 1)
        #expect(remote.pushes.dropFirst(pushesBefore).flatMap(\.operationIDs) == [fix.operationID])
        let statuses = try harness.operationStatuses()
        #expect(statuses[refused.operationID] == "superseded")
        #expect(statuses[fix.operationID] == "accepted")
        let record = try journal.invoice(refused.invoice.id.uuidString)
        #expect(record.syncState == .accepted)
        #expect(record.stateReason == nil)
        let stored = try #require(try await harness.store.lookup([refused.invoice.id]).found.only)
        #expect(stored.invoice.seller.taxID == InvoiceFixtures.sellerTaxID)
        #expect(stored.clock == VectorClock([SyncHarness.node: 2]))
        let superseded = try journal.auditEntries(invoiceID: refused.invoice.id).filter { $0.event == .superseded }
        #expect(superseded.map(\.operationID) == [refused.operationID])
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test func requeueWithoutAFixResendsTheSameOperationID() async throws {
        try harness.importInvoices(1...3)
        let poisoned = try #require(try harness.operationIDs(ofInvoice: 2).first)
        remote.poison(poisoned)
        let first = try await harness.engine(batchSize: 10, maximumAttempts: 2, maximumConsecutiveFailures: 10).run()
        #expect(first.stop == nil)
        #expect(first.tally.quarantined == 1)
        #expect(try journal.quarantine().only?.operationID == poisoned)

        remote.curePoison()
        let receipt = try journal.requeue(InvoiceFixtures.number(2), actor: SyncHarness.actor)
        #expect(receipt.requeued == [poisoned])
        #expect(receipt.superseded.isEmpty)
        #expect(try harness.operationStatuses()[poisoned] == "pending")
        #expect(try journal.invoice(InvoiceFixtures.number(2)).syncState == .pending)
        let pushesBefore = remote.pushCount

        let second = try await harness.engine().run()

        #expect(second.stop == nil)
        #expect(second.tally.accepted == 1)
        #expect(remote.pushes.dropFirst(pushesBefore).flatMap(\.operationIDs) == [poisoned])
        #expect(try journal.status().byState == [.accepted: 3])
        try await harness.expectStoreMatchesJournal()
        try harness.expectJournalSound()
    }

    @Test(arguments: [FaultyRemote.PoisonMode.beforeForwarding, .afterForwardingOthers])
    func halvingIsolatesAPoisonOperationWhichIsQuarantinedAfterMaximumAttempts(
        mode: FaultyRemote.PoisonMode
    )
        async throws
    {
        try harness.importInvoices(1...20)
        let poisoned = try #require(try harness.operationIDs(ofInvoice: 6).first)
        remote.poison(poisoned, mode: mode)

        let summary = try await harness.engine(batchSize: 8, maximumAttempts: 3, maximumConsecutiveFailures: 10).run()

        #expect(summary.stop == nil)
        #expect(summary.tally.quarantined == 1)
        #expect(summary.tally.accepted + summary.tally.duplicates == 19)
        #expect(summary.remaining == 0)
        #expect(remote.pushes.contains { $0.operationIDs == [poisoned] })
        let attempts = remote.pushedOperationIDs.filter { $0 == poisoned }.count
        #expect(attempts >= 3)

        let entry = try #require(try journal.quarantine().only)
        #expect(entry.operationID == poisoned)
        #expect(entry.attempts == attempts)
        #expect(entry.reason.contains("no answer after \(attempts) attempts"))
        #expect(try harness.operations(with: .quarantined) == [poisoned])
        #expect(try journal.status().byState == [.accepted: 19, .quarantined: 1])
        let accepted = remote.remoteAnswerCounts("accepted")
        #expect(accepted.count == 19)
        #expect(accepted.values.allSatisfy { $0 == 1 })
        #expect(try await harness.store.invoiceCount() == 19)
        try harness.expectJournalSound()
    }

    /// Halving keeps a failing batch's first operation, so on a flaky network it gathers the
    /// attempts of the whole batch: it is given up only when it keeps failing alone.
    @Test func aHealthyFirstOperationIsNotQuarantinedForTheBatchesItWasIn() async throws {
        try harness.importInvoices(1...64)
        let first = try #require(try harness.operationIDs(ofInvoice: 1).first)
        // 64 → 32 → … → 1: seven lost replies, the last one alone; then one refused connection,
        // alone again: eight attempts, as many as allowed, but only two failures in a row alone.
        remote.script(.loseReply, times: 7)
        remote.script(.unreachable)

        let summary = try await harness.engine(batchSize: 64).run()

        #expect(summary.stop == nil)
        #expect(summary.tally.quarantined == 0)
        #expect(try journal.quarantine().isEmpty)
        // The first push landed (its reply was lost), so the centre answers the last one `duplicate`.
        #expect(try harness.operationStatuses()[first] == "duplicate")
        #expect(remote.pushedOperationIDs.filter { $0 == first }.count == 9)
        #expect(try journal.status().byState == [.accepted: 64])
        try harness.expectJournalSound()
    }

    @Test func aPoisonOperationAtTheHeadOfTheOutboxIsIsolatedWithTheDefaultLimits() async throws {
        try harness.importInvoices(1...40)
        let poisoned = try #require(try harness.operationIDs(ofInvoice: 1).first)
        remote.poison(poisoned)
        let defaults = SyncOptions(owner: "x")

        // Default attempts and failure limits; a batch of 32 needs five halvings to isolate
        // the operation. Each run may end early, but runs must make progress.
        var runs: [SyncSummary] = []
        for _ in 1...4 {
            let engine = harness.engine(
                batchSize: 32,
                maximumAttempts: defaults.maximumAttempts,
                maximumConsecutiveFailures: defaults.retry.maximumConsecutiveFailures
            )
            runs.append(try await engine.run())
            if runs.last?.stop == nil { break }
        }

        #expect(runs.last?.stop == nil, "every run stopped: \(runs.map { $0.stop?.message ?? "-" })")
        #expect(try journal.quarantine().only?.operationID == poisoned)
        #expect(try journal.status().byState == [.accepted: 39, .quarantined: 1])
        #expect(try await harness.store.invoiceCount() == 39)
    }

    @Test func anAmendInTheSameBatchAsItsRefusedCreateWaitsForIt() async throws {
        try harness.capture(1)
        let refused = try harness.captureRefusedByTheCentre(2)
        let amend = try harness.amendBuyerOfRefused(refused)

        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 1)
        // DESIGN §5: "an amend/void waits for its invoice's create"; the create was refused,
        // so the amend should wait behind it in quarantine rather than be refused in its turn.
        #expect(!remote.pushedOperationIDs.contains(amend.operationID))
        #expect(try journal.quarantine().map(\.operationID) == [refused.operationID])
        #expect(try journal.quarantine().first?.waitingChanges == 1)
        #expect(summary.blocked == 1)
    }
}
