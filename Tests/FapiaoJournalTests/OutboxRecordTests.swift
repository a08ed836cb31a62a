import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// What each answer does to an operation, its invoice and the audit chain (DESIGN §5, §6).
@Suite struct OutboxRecordTests: OutboxSuite {
    let harness: JournalHarness
    let journal: Journal
    let lease: SyncLease

    init() throws {
        (harness, journal, lease) = try Self.makeJournal()
    }

    // MARK: Transitions

    @Test func markingInFlightCountsTheAttemptAndAuditsIt() throws {
        let first = try capture(1)
        let entriesBefore = try journal.auditEntries().count
        _ = try send(try outbox())

        let item = try #require(try outbox().only)
        #expect(item.status == .inFlight)
        #expect(item.attempts == 1)
        #expect(try journal.invoice(first.invoice.id.uuidString).syncState == .inFlight)
        let entry = try #require(try journal.auditEntries().dropFirst(entriesBefore).only)
        #expect(entry.event == .pushed)
        #expect(entry.actor == Self.actor)
        #expect(entry.operationID == first.operationID)
        #expect(entry.invoiceID == first.invoice.id)
        #expect(entry.clock == first.clock)
        let details = try JSONValue.parse(entry.detailsText)
        #expect(details["attempt"] == .number("1"))
        #expect(details["kind"] == .string("create"))

        _ = try send([item])
        #expect(try outbox().only?.attempts == 2)
        #expect(try journal.auditEntries().last.map { try JSONValue.parse($0.detailsText)["attempt"] } == .number("2"))
        #expect(try journal.verifyAudit().isIntact)
    }

    struct Transition: Sendable, CustomTestStringConvertible {
        var result: PushResult
        var status: String
        var events: [AuditEvent]
        var syncState: SyncState
        var stateReason: String?
        var tally: OutboxTally
        var details: [String: JSONValue] = [:]

        var testDescription: String { "\(result) → \(status)" }
    }

    static let transitions: [Transition] = [
        Transition(
            result: .answered(.accepted),
            status: "accepted",
            events: [.accepted],
            syncState: .accepted,
            tally: .one(\.accepted)
        ),
        Transition(
            result: .answered(.duplicate),
            status: "duplicate",
            events: [.duplicate],
            syncState: .accepted,
            tally: .one(\.duplicates)
        ),
        Transition(
            result: .answered(.stale(current: VectorClock(["bj-01": 1, "central": 2]))),
            status: "stale",
            events: [.stale],
            syncState: .accepted,
            tally: .one(\.stale),
            details: [
                "remoteClock": .object([(key: "bj-01", value: .number("1")), (key: "central", value: .number("2"))])
            ]
        ),
        Transition(
            result: .answered(.rejected(reason: "seller.taxID has a wrong check character")),
            status: "quarantined",
            events: [.rejected, .quarantined],
            syncState: .quarantined,
            stateReason: "rejected by the remote: seller.taxID has a wrong check character",
            tally: .one(\.quarantined),
            details: ["reason": .string("seller.taxID has a wrong check character")]
        ),
        Transition(
            result: .answered(.deferred(reason: "batch cut short")),
            status: "pending",
            events: [.deferred],
            syncState: .pending,
            tally: .one(\.deferred),
            details: ["reason": .string("batch cut short")]
        ),
        Transition(
            result: .unanswered(reason: "connection reset", mayHaveApplied: true),
            status: "inDoubt",
            events: [.inDoubt],
            syncState: .inDoubt,
            tally: .one(\.inDoubt),
            details: ["reason": .string("connection reset")]
        ),
        Transition(
            result: .unanswered(reason: "connection refused", mayHaveApplied: false),
            status: "pending",
            events: [.deferred],
            syncState: .pending,
            tally: .one(\.deferred),
            details: ["reason": .string("connection refused")]
        ),
        Transition(
            result: .gaveUp(reason: "no answer after 1 attempts"),
            status: "quarantined",
            events: [.quarantined],
            syncState: .quarantined,
            stateReason: "no answer after 1 attempts",
            tally: .one(\.quarantined),
            details: ["reason": .string("no answer after 1 attempts"), "attempts": .number("1")]
        ),
    ]

    @Test(arguments: transitions)
    func recordingAnAnswerMovesTheOperationAndAuditsEachStep(transition: Transition) throws {
        let first = try capture(1)
        let item = try #require(try outbox().only)
        let sent = try send([item])
        let entriesBefore = try journal.auditEntries().count
        harness.clock.advance(byMilliseconds: 1_000)

        let tally = try journal.record([(sent[0], transition.result)], lease: lease, actor: Self.actor)

        #expect(tally == transition.tally)
        #expect(try status(of: first.operationID, invoice: first.invoice.id) == transition.status)
        let record = try journal.invoice(first.invoice.id.uuidString)
        #expect(record.syncState == transition.syncState)
        #expect(record.stateReason == transition.stateReason)
        #expect(record.updatedAt == harness.clock.now)

        let entries = Array(try journal.auditEntries().dropFirst(entriesBefore))
        #expect(entries.map(\.event) == transition.events)
        for entry in entries {
            #expect(entry.actor == Self.actor)
            #expect(entry.operationID == first.operationID)
            #expect(entry.invoiceID == first.invoice.id)
            #expect(entry.clock == first.clock)
            #expect(entry.wallTime == harness.clock.now)
        }
        let details = try JSONValue.parse(try #require(entries.last).detailsText)
        for (key, value) in transition.details {
            #expect(details[key] == value, "details[\(key)]")
        }
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func aConflictIsRecordedWithBothVersionsBothClocksAndTheAncestor() throws {
        let first = try capture(1)
        try answer(first.operationID, .answered(.accepted))
        let amend = try amendBuyer(first)
        var remoteInvoice = first.invoice
        remoteInvoice.buyer.name = "上海客户有限公司"
        let remote = RemoteVersion(invoice: remoteInvoice, clock: VectorClock([JournalHarness.node: 1, "central": 1]))
        let entriesBefore = try journal.auditEntries().count + 1

        let tally = try answer(amend.operationID, .answered(.conflict(.concurrentEdit, remote: remote)))

        #expect(tally.conflicts == 1)
        #expect(try status(of: amend.operationID, invoice: first.invoice.id) == "conflict")
        let record = try journal.invoice(first.invoice.id.uuidString)
        #expect(record.syncState == .conflict)
        #expect(record.stateReason?.hasPrefix("conflict (concurrentEdit)") == true)
        #expect(try journal.status().openConflicts == 1)

        let row = try #require(try conflictRows().only)
        #expect(row["invoice_id"] as String? == first.invoice.id.uuidString)
        #expect(row["kind"] as String? == "concurrentEdit")
        #expect(row["local_content"] as String? == amend.invoice.canonicalJSON.text)
        #expect(row["local_clock"] as String? == amend.clock.description)
        #expect(row["remote_content"] as String? == remoteInvoice.canonicalJSON.text)
        #expect(row["remote_clock"] as String? == remote.clock.description)
        #expect(row["ancestor_content"] as String? == first.invoice.canonicalJSON.text)
        #expect(row["ancestor_clock"] as String? == first.clock.description)
        #expect(row["resolved_at"] as String? == nil)

        let entry = try #require(try journal.auditEntries().dropFirst(entriesBefore).only)
        #expect(entry.event == .conflict)
        #expect(entry.clock == amend.clock)
        let details = try JSONValue.parse(entry.detailsText)
        #expect(details["conflictKind"] == .string("concurrentEdit"))
        #expect(details["conflictID"] == .string(row["id"] as String))
        #expect(try journal.verifyAudit().isIntact)
    }

    /// Acceptances are written together: one answered in the same call before a conflict is
    /// written before the conflict looks for its ancestor, and every one is written.
    @Test func anAcceptanceAnsweredWithAConflictIsTheConflictsAncestor() throws {
        let first = try capture(1)
        let amend = try amendBuyer(first)
        let other = try capture(2)
        let sent = try send(try outbox())
        #expect(sent.count == 3)
        var remoteInvoice = first.invoice
        remoteInvoice.buyer.name = "上海客户有限公司"
        let remote = RemoteVersion(invoice: remoteInvoice, clock: VectorClock([JournalHarness.node: 1, "central": 1]))

        let tally = try journal.record(
            [
                (sent[0], .answered(.accepted)),
                (sent[1], .answered(.conflict(.concurrentEdit, remote: remote))),
                (sent[2], .answered(.accepted)),
            ],
            lease: lease,
            actor: Self.actor
        )

        #expect(tally.accepted == 2)
        #expect(tally.conflicts == 1)
        #expect(try status(of: first.operationID, invoice: first.invoice.id) == "accepted")
        #expect(try status(of: amend.operationID, invoice: first.invoice.id) == "conflict")
        #expect(try status(of: other.operationID, invoice: other.invoice.id) == "accepted")
        #expect(try journal.invoice(other.invoice.id.uuidString).syncState == .accepted)
        #expect(try journal.invoice(first.invoice.id.uuidString).syncState == .conflict)
        let row = try #require(try conflictRows().only)
        #expect(row["ancestor_content"] as String? == first.invoice.canonicalJSON.text)
        #expect(row["ancestor_clock"] as String? == first.clock.description)
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func aConflictOnCreateHasNoAncestor() throws {
        let first = try capture(1)
        var owner = first.invoice
        owner.id = SequentialIDSource.id(9_999)
        let remote = RemoteVersion(invoice: owner, clock: VectorClock(["sh-01": 1]))

        try answer(first.operationID, .answered(.conflict(.duplicateNumber, remote: remote)))

        let row = try #require(try conflictRows().only)
        #expect(row["kind"] as String? == "duplicateNumber")
        #expect(row["ancestor_content"] as String? == nil)
        #expect(row["ancestor_clock"] as String? == nil)
        let reason = try #require(try journal.invoice(first.invoice.id.uuidString).stateReason)
        #expect(reason.contains(owner.id.uuidString))
    }

    // MARK: Invoice state

    @Test func theInvoiceStateFollowsItsLeastSettledOperation() throws {
        let first = try capture(1)
        let amend = try amendBuyer(first)
        let sent = try send(try outbox())
        let reference = first.invoice.id.uuidString
        #expect(try journal.invoice(reference).syncState == .inFlight)

        try journal.record([(sent[0], .answered(.accepted))], lease: lease, actor: Self.actor)
        #expect(try journal.invoice(reference).syncState == .inFlight)
        try journal.record([(sent[1], .unanswered(reason: "reset", mayHaveApplied: true))], lease: lease, actor: "s")
        #expect(try journal.invoice(reference).syncState == .inDoubt)
        try journal.record([(sent[1], .answered(.deferred(reason: "later")))], lease: lease, actor: Self.actor)
        #expect(try journal.invoice(reference).syncState == .pending)
        try journal.record([(sent[1], .answered(.duplicate))], lease: lease, actor: Self.actor)
        let record = try journal.invoice(reference)
        #expect(record.syncState == .accepted)
        #expect(record.pendingOperations == 0)
        #expect(try status(of: amend.operationID, invoice: first.invoice.id) == "duplicate")
    }

    @Test func aQuarantinedCreateOutranksAPendingAmend() throws {
        let first = try capture(1)
        try amendBuyer(first)
        let sent = try send([try #require(try outbox().first)])
        try journal.record([(sent[0], .answered(.rejected(reason: "bad")))], lease: lease, actor: Self.actor)
        let record = try journal.invoice(first.invoice.id.uuidString)
        #expect(record.syncState == .quarantined)
        #expect(record.stateReason == "rejected by the remote: bad")
        #expect(record.pendingOperations == 1)
    }
}
