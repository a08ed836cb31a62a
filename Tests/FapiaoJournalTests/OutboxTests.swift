import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

/// What the sync engine sends next: journal order, limit, cursor, and the waiting rule (DESIGN §5).
@Suite struct OutboxTests: OutboxSuite {
    let harness: JournalHarness
    let journal: Journal
    let lease: SyncLease

    init() throws {
        (harness, journal, lease) = try Self.makeJournal()
    }

    // MARK: Order, limit, cursor

    @Test func theOutboxListsUnansweredOperationsInJournalOrderFromACursor() throws {
        #expect(try journal.outboxStart() == 0)
        #expect(try outbox().isEmpty)
        let first = try capture(1)
        let second = try journal.capture(harness.paperInput(2), options: JournalHarness.options)
        let amend = try amendBuyer(first)
        let void = try journal.void(second.invoice.id.uuidString, reason: "开错", options: JournalHarness.options)

        let all = try outbox()
        #expect(
            all.map(\.operation.id) == [first.operationID, second.operationID, amend.operationID, void.operationID]
        )
        #expect(all.map(\.operation.kind) == [.create, .create, .amend, .void])
        #expect(all.map(\.sequence) == all.map(\.sequence).sorted())
        #expect(Set(all.map(\.sequence)).count == 4)
        #expect(all.allSatisfy { $0.status == .pending && $0.attempts == 0 })
        #expect(try all[0].operation.decoded().invoice == first.invoice)
        #expect(all[2].operation.clock == amend.clock)
        #expect(try all[2].operation.decoded().invoice == amend.invoice)

        #expect(
            try journal.outboxBatch(after: 0, limit: 2).map(\.operation.id) == [first.operationID, second.operationID]
        )
        #expect(
            try journal.outboxBatch(after: all[1].sequence, limit: 10).map(\.operation.id)
                == [amend.operationID, void.operationID]
        )
        #expect(try journal.outboxBatch(after: all[1].sequence, limit: 1).map(\.operation.id) == [amend.operationID])
        #expect(try journal.outboxBatch(after: all[3].sequence, limit: 10).isEmpty)
        #expect(try journal.outboxBatch(after: 0, limit: 0).isEmpty)
    }

    @Test func theStartIsJustBeforeTheOldestUnansweredOperation() throws {
        let first = try capture(1)
        let second = try capture(2)
        let all = try outbox()
        #expect(try journal.outboxStart() == all[0].sequence - 1)

        try answer(first.operationID, .answered(.accepted))
        #expect(try journal.outboxStart() == all[1].sequence - 1)

        // An operation in flight or in doubt is still unanswered.
        let sent = try send([all[1]])
        #expect(try journal.outboxStart() == all[1].sequence - 1)
        try journal.record([(sent[0], .unanswered(reason: "timeout", mayHaveApplied: true))], lease: lease, actor: "s")
        #expect(try journal.outboxStart() == all[1].sequence - 1)
        #expect(try outbox().map(\.operation.id) == [second.operationID])
        #expect(try outbox().first?.status == .inDoubt)
        #expect(try outbox().first?.attempts == 1)

        // Everything answered: the start is the last operation, so a run with nothing to send
        // reads none of the history; what is captured after it is still found.
        let resent = try send([all[1]])
        try journal.record([(resent[0], .answered(.accepted))], lease: lease, actor: "s")
        #expect(try journal.outboxStart() == all[1].sequence)
        #expect(try journal.outboxBatch(after: journal.outboxStart(), limit: 10).isEmpty)
        let third = try capture(3)
        let waiting = try journal.outboxBatch(after: journal.outboxStart(), limit: 10)
        #expect(waiting.map(\.operation.id) == [third.operationID])
    }

    // MARK: Waiting

    static let blockingAnswers: [PushResult] = [
        .answered(.rejected(reason: "bad seller")),
        .gaveUp(reason: "no answer after 8 attempts"),
    ]

    @Test(arguments: blockingAnswers)
    func anOperationWaitsBehindAQuarantinedChangeOfItsInvoiceOnly(result: PushResult) throws {
        let blocked = try capture(1)
        let other = try capture(2)
        let amend = try amendBuyer(blocked)
        let otherAmend = try amendBuyer(other)
        #expect(try journal.blockedOperationCount() == 0)

        try answer(blocked.operationID, result)

        #expect(try outbox().map(\.operation.id) == [other.operationID, otherAmend.operationID])
        #expect(try journal.blockedOperationCount() == 1)
        #expect(try status(of: amend.operationID, invoice: blocked.invoice.id) == "pending")
        #expect(try journal.quarantine().first?.waitingChanges == 1)
    }

    @Test func anOperationWaitsBehindAConflictOfItsInvoice() throws {
        let first = try capture(1)
        try answer(first.operationID, .answered(.accepted))
        let amend = try amendBuyer(first)
        let later = try amendBuyer(first, to: "上海客户有限公司")
        let remote = RemoteVersion(invoice: first.invoice, clock: VectorClock([JournalHarness.node: 1, "central": 1]))

        try answer(amend.operationID, .answered(.conflict(.concurrentEdit, remote: remote)))

        #expect(try outbox().isEmpty)
        #expect(try journal.blockedOperationCount() == 1)
        #expect(try status(of: later.operationID, invoice: first.invoice.id) == "pending")
    }

    @Test func anUnansweredEarlierOperationDoesNotHoldBackItsAmend() throws {
        let first = try capture(1)
        let amend = try amendBuyer(first)
        try answer(first.operationID, .unanswered(reason: "timeout", mayHaveApplied: true))
        #expect(try outbox().map(\.operation.id) == [first.operationID, amend.operationID])
        #expect(try journal.blockedOperationCount() == 0)
    }
}
