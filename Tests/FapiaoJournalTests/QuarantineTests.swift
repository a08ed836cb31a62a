import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

/// The quarantine list and requeue.
@Suite struct QuarantineTests: OutboxSuite {
    let harness: JournalHarness
    let journal: Journal
    let lease: SyncLease

    init() throws {
        (harness, journal, lease) = try Self.makeJournal()
    }

    // MARK: Quarantine

    @Test func theQuarantineListsEachQuarantinedOperationOldestFirst() throws {
        let first = try capture(1)
        let second = try capture(2)
        try capture(3)
        try amendBuyer(second)
        try amendBuyer(second, to: "上海客户有限公司")
        let rejectedAt = harness.clock.now
        try answer(first.operationID, .answered(.rejected(reason: "bad seller")))
        harness.clock.advance(byMilliseconds: 5_000)
        try answer(second.operationID, .gaveUp(reason: "no answer after 1 attempts"))

        let entries = try journal.quarantine()
        #expect(entries.map(\.operationID) == [first.operationID, second.operationID])
        let entry = entries[0]
        #expect(entry.invoiceID == first.invoice.id)
        #expect(entry.number == InvoiceFixtures.number(1))
        #expect(entry.sellerName == InvoiceFixtures.sellerName)
        #expect(entry.gross == "552.00")
        #expect(entry.operationKind == "create")
        #expect(entry.reason == "rejected by the remote: bad seller")
        #expect(entry.attempts == 1)
        #expect(entry.since == rejectedAt)
        #expect(entry.waitingChanges == 0)
        #expect(entries[1].reason == "no answer after 1 attempts")
        #expect(entries[1].since == harness.clock.now)
        #expect(entries[1].waitingChanges == 2)
    }

    @Test func requeueRefusesAnInvoiceThatIsNotQuarantined() throws {
        let first = try capture(1)
        let entriesBefore = try journal.auditEntries().count
        let pending = try #require(journalError { try journal.requeue(first.invoice.id.uuidString, actor: "王") })
        #expect(pending.code == .invalidChange)
        #expect(pending.message.contains("not quarantined"))

        try answer(first.operationID, .answered(.accepted))
        #expect(journalError { try journal.requeue(InvoiceFixtures.number(1), actor: "王") }?.code == .invalidChange)
        #expect(journalError { try journal.requeue("ffffffff", actor: "王") }?.code == .invoiceNotFound)
        #expect(try journal.auditEntries().count == entriesBefore + 2)
    }

    @Test func requeueWithoutALaterChangeResendsTheSameOperation() throws {
        let first = try capture(1)
        try answer(first.operationID, .gaveUp(reason: "no answer"))
        let entriesBefore = try journal.auditEntries().count

        let receipt = try journal.requeue(first.invoice.id.uuidString, actor: JournalHarness.actor)

        #expect(receipt.requeued == [first.operationID])
        #expect(receipt.superseded.isEmpty)
        let item = try #require(try outbox().only)
        #expect(item.operation.id == first.operationID)
        #expect(item.status == .pending)
        #expect(item.attempts == 0)
        #expect(try journal.invoice(first.invoice.id.uuidString).syncState == .pending)
        #expect(try journal.invoice(first.invoice.id.uuidString).stateReason == nil)
        #expect(try journal.quarantine().isEmpty)
        let entry = try #require(try journal.auditEntries().dropFirst(entriesBefore).only)
        #expect(entry.event == .requeued)
        #expect(entry.actor == JournalHarness.actor)
        #expect(entry.operationID == first.operationID)
        #expect(entry.clock == first.clock)
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func requeueAfterALaterChangeSupersedesTheQuarantinedOperation() throws {
        let first = try capture(1)
        try answer(first.operationID, .answered(.rejected(reason: "bad seller")))
        let fix = try amendBuyer(first)
        #expect(try outbox().isEmpty)

        let receipt = try journal.requeue(first.invoice.id.uuidString, actor: JournalHarness.actor)

        #expect(receipt.superseded == [first.operationID])
        #expect(receipt.requeued.isEmpty)
        #expect(try status(of: first.operationID, invoice: first.invoice.id) == "superseded")
        #expect(try outbox().map(\.operation.id) == [fix.operationID])
        #expect(try journal.invoice(first.invoice.id.uuidString).syncState == .pending)
        let entry = try #require(try journal.auditEntries().last)
        #expect(entry.event == .superseded)
        #expect(entry.operationID == first.operationID)
        #expect(entry.clock == first.clock)
        #expect(try journal.verifyAudit().isIntact)
    }
}
