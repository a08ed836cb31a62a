import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

/// A page of changes made elsewhere, applied to the journal on its own (DESIGN §5, pull).
@Suite struct ApplyRemoteChanges: OutboxSuite {
    let harness: JournalHarness
    let journal: Journal
    let lease: SyncLease

    init() throws {
        (harness, journal, lease) = try Self.makeJournal()
    }

    static let centre = "central"

    /// Captures the fixture invoice numbered `sequence` and records its create as accepted.
    func accepted(_ sequence: Int) throws -> CaptureReceipt {
        let receipt = try capture(sequence)
        try answer(receipt.operationID, .answered(.accepted))
        return receipt
    }

    /// `invoice` changed by `change`, with `clock`, as one change of a page.
    func change(
        _ invoice: Invoice,
        clock: VectorClock,
        sequence: Int64 = 1,
        _ change: (inout Invoice) -> Void = { _ in }
    ) -> ChangePage.Change {
        var changed = invoice
        change(&changed)
        return ChangePage.Change(
            sequence: sequence,
            version: RemoteVersion(invoice: changed, clock: clock),
            changedBy: Self.centre
        )
    }

    func page(_ changes: ChangePage.Change..., cursor: Int64) -> ChangePage {
        ChangePage(changes: changes, cursor: cursor, hasMore: false)
    }

    func apply(_ page: ChangePage) throws -> PullTally {
        try journal.applyRemoteChanges(page, lease: lease, actor: Self.actor)
    }

    func tally(applied: Int = 0, conflicts: Int = 0, unchanged: Int = 0, unknown: Int = 0) -> PullTally {
        var tally = PullTally()
        tally.applied = applied
        tally.conflicts = conflicts
        tally.unchanged = unchanged
        tally.unknown = unknown
        return tally
    }

    // MARK: - Each kind of change

    @Test func aPageOfEveryKindIsTalliedAndItsCursorStored() throws {
        let dominated = try accepted(1)
        let equal = try accepted(2)
        let concurrent = try accepted(3)
        try journal.amend(
            concurrent.invoice.id.uuidString,
            changes: InvoiceInput(fields: ["note": "分行备注"]),
            options: JournalHarness.options
        )
        try answer(try #require(try outbox().only).operation.id, .answered(.rejected(reason: "test")))
        var stranger = dominated.invoice
        stranger.id = SequentialIDSource.id(9_999)
        stranger.number = InvoiceFixtures.number(99)

        let result = try apply(
            page(
                change(dominated.invoice, clock: dominated.clock.incremented(at: Self.centre), sequence: 3) {
                    $0.buyer.name = "上海新买方有限公司"
                },
                change(equal.invoice, clock: equal.clock, sequence: 4),
                change(concurrent.invoice, clock: concurrent.clock.incremented(at: Self.centre), sequence: 5) {
                    $0.note = "总部备注"
                },
                change(stranger, clock: VectorClock(["bj-01": 1, Self.centre: 1]), sequence: 6),
                cursor: 6
            )
        )

        #expect(result == tally(applied: 1, conflicts: 1, unchanged: 1, unknown: 1))
        #expect(try journal.syncHistory().pullCursor == 6)
        #expect(journalError { try journal.invoice(stranger.id.uuidString) }?.code == .invoiceNotFound)
        #expect(try journal.openConflictCount() == 1)
    }

    @Test func aDominatingVersionReplacesTheBranchsAndIsAudited() throws {
        let created = try accepted(1)
        let id = created.invoice.id
        let clock = created.clock.incremented(at: Self.centre)
        let remote = change(created.invoice, clock: clock, sequence: 7) { $0.buyer.name = "上海新买方有限公司" }

        #expect(try apply(page(remote, cursor: 7)) == tally(applied: 1))

        let record = try journal.invoice(id.uuidString)
        #expect(record.invoice == remote.version.invoice)
        #expect(record.invoice.buyer.name == "上海新买方有限公司")
        #expect(record.clock == clock)
        #expect(record.syncState == .accepted)
        let entry = try #require(try journal.auditEntries().last)
        #expect(entry.event == .pulled)
        #expect(entry.actor == Self.actor)
        #expect(entry.invoiceID == id)
        #expect(entry.operationID == nil)
        #expect(entry.clock == clock)
        let details = try JSONValue.parse(entry.detailsText)
        #expect(details["changedBy"] == .string(Self.centre))
        #expect(details["changedFields"] == .array([.string("buyer")]))
        #expect(details["voided"] == .bool(false))
        #expect(try journal.conflicts(includeResolved: true).isEmpty)
        #expect(try journal.syncHistory().pullCursor == 7)
        #expect(try outbox().isEmpty)
    }

    @Test func aPulledVersionPassesAuditVerification() throws {
        let created = try accepted(1)
        let remote = change(created.invoice, clock: created.clock.incremented(at: Self.centre)) {
            $0.void = VoidRecord(reason: "开错抬头", at: ManualClock.defaultStart, by: "hq")
        }
        #expect(try apply(page(remote, cursor: 1)) == tally(applied: 1))
        #expect(try journal.invoice(created.invoice.id.uuidString).isVoided)

        // The pulled version has no operation of its own: its `pulled` entry vouches for it.
        let verification = try journal.verifyAudit()
        #expect(verification.isIntact, "\(verification.problem ?? "")")
        #expect(verification.invoicesChecked == 1)
    }

    @Test func anEqualOrOlderVersionChangesNothingButTheCursor() throws {
        let created = try accepted(1)
        let amended = try amendBuyer(created)
        try answer(amended.operationID, .answered(.accepted))
        let before = try journal.invoice(created.invoice.id.uuidString)
        let auditBefore = try journal.auditEntries()

        #expect(try apply(page(change(amended.invoice, clock: amended.clock), cursor: 2)) == tally(unchanged: 1))
        #expect(try apply(page(change(created.invoice, clock: created.clock), cursor: 3)) == tally(unchanged: 1))

        #expect(try journal.invoice(created.invoice.id.uuidString) == before)
        #expect(try journal.auditEntries() == auditBefore)
        #expect(try journal.conflicts(includeResolved: true).isEmpty)
        #expect(try journal.syncHistory().pullCursor == 3)
    }

    @Test func anInvoiceTheJournalDoesNotHoldIsUnknownAndNotAdded() throws {
        var stranger = try accepted(1).invoice
        stranger.id = SequentialIDSource.id(9_999)
        stranger.number = InvoiceFixtures.number(2)
        let auditBefore = try journal.auditEntries()

        let result = try apply(page(change(stranger, clock: VectorClock(["sh-01": 1])), cursor: 11))

        #expect(result == tally(unknown: 1))
        #expect(try journal.invoices().count == 1)
        #expect(try journal.auditEntries() == auditBefore)
        #expect(try journal.syncHistory().pullCursor == 11)
    }

    // MARK: - Concurrent versions

    @Test func aConcurrentVersionIsAConflictFoundByThePull() throws {
        let created = try accepted(1)
        let id = created.invoice.id
        let amended = try journal.amend(
            id.uuidString,
            changes: InvoiceInput(fields: ["note": "分行备注"]),
            options: JournalHarness.options
        )
        try answer(amended.operationID, .answered(.rejected(reason: "test")))
        let remoteClock = created.clock.incremented(at: Self.centre)
        let remote = change(created.invoice, clock: remoteClock, sequence: 4) { $0.note = "总部备注" }

        #expect(try apply(page(remote, cursor: 4)) == tally(conflicts: 1))

        let conflict = try #require(try journal.conflicts(includeResolved: false).only)
        #expect(conflict.kind == .concurrentEdit)
        #expect(conflict.source == .pull)
        #expect(conflict.operationID == nil)
        #expect(conflict.invoiceID == id)
        #expect(conflict.local.invoice == amended.invoice)
        #expect(conflict.local.clock == amended.clock)
        #expect(conflict.remote == remote.version)
        #expect(conflict.ancestor?.clock == created.clock)
        #expect(conflict.ancestor?.invoice == created.invoice)
        // The branch's version stays until someone resolves it.
        let record = try journal.invoice(id.uuidString)
        #expect(record.invoice == amended.invoice)
        #expect(record.clock == amended.clock)
        let entry = try #require(try journal.auditEntries().last)
        #expect(entry.event == .conflict)
        #expect(entry.clock == amended.clock)
        let details = try JSONValue.parse(entry.detailsText)
        #expect(details["source"] == .string("pull"))
        #expect(details["conflictKind"] == .string("concurrentEdit"))
        #expect(details["changedBy"] == .string(Self.centre))
        #expect(details["conflictID"] == .string(conflict.id.uuidString))

        // The same change pulled again does not record a second conflict.
        #expect(try apply(page(remote, cursor: 4)) == tally(unchanged: 1))
        #expect(try journal.conflicts(includeResolved: true).count == 1)
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func aNewerRemoteVersionRefreshesTheOpenConflictInsteadOfReplacingTheBranchsVersion() throws {
        let created = try accepted(1)
        let id = created.invoice.id
        let amended = try journal.amend(
            id.uuidString,
            changes: InvoiceInput(fields: ["note": "分行备注"]),
            options: JournalHarness.options
        )
        try answer(amended.operationID, .answered(.rejected(reason: "test")))
        let firstClock = created.clock.incremented(at: Self.centre)
        let first = change(created.invoice, clock: firstClock, sequence: 4) { $0.note = "总部备注" }
        #expect(try apply(page(first, cursor: 4)) == tally(conflicts: 1))

        // HQ changes it again; the newer version dominates the first but not the branch's.
        let secondClock = firstClock.incremented(at: Self.centre).merged(with: amended.clock)
        let second = change(created.invoice, clock: secondClock, sequence: 5) { $0.note = "总部第二次备注" }
        #expect(try apply(page(second, cursor: 5)) == tally(unchanged: 1))

        let conflict = try #require(try journal.conflicts(includeResolved: false).only)
        #expect(conflict.remote == second.version)
        let record = try journal.invoice(id.uuidString)
        #expect(record.invoice == amended.invoice)
        #expect(record.clock == amended.clock)
        let details = try JSONValue.parse(try #require(try journal.auditEntries().last).detailsText)
        #expect(details["updated"] == .bool(true))
        // The same version again adds nothing.
        let entries = try journal.auditEntries().count
        #expect(try apply(page(second, cursor: 5)) == tally(unchanged: 1))
        #expect(try journal.auditEntries().count == entries)

        let receipt = try journal.resolveConflict(id.uuidString, choice: .local, reason: "ours", actor: "李会计")
        #expect(receipt.resolution.clock.dominates(secondClock))
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func aConcurrentVoidIsAnEditOfAVoidedInvoice() throws {
        let created = try accepted(1)
        let amended = try amendBuyer(created)
        try answer(amended.operationID, .answered(.rejected(reason: "test")))
        let remote = change(created.invoice, clock: created.clock.incremented(at: Self.centre)) {
            $0.void = VoidRecord(reason: "重复开具", at: ManualClock.defaultStart, by: "hq")
        }

        #expect(try apply(page(remote, cursor: 1)) == tally(conflicts: 1))

        let conflict = try #require(try journal.conflicts(includeResolved: false).only)
        #expect(conflict.kind == .editOfVoided)
        #expect(conflict.remote?.invoice.void?.reason == "重复开具")
        #expect(try !journal.invoice(created.invoice.id.uuidString).isVoided)
    }

    @Test func aConcurrentVersionOfAnInvoiceWithChangesToPushIsLeftForThePush() throws {
        let created = try accepted(1)
        let amended = try amendBuyer(created)
        let remote = change(created.invoice, clock: created.clock.incremented(at: Self.centre)) { $0.note = "总部备注" }

        #expect(try apply(page(remote, cursor: 1)) == tally(unchanged: 1))

        #expect(try journal.conflicts(includeResolved: true).isEmpty)
        #expect(try outbox().map(\.operation.id) == [amended.operationID])
        #expect(try journal.invoice(created.invoice.id.uuidString).syncState == .pending)
    }

    @Test func anOpenPullConflictHoldsLaterChangesUntilItIsResolved() throws {
        let created = try accepted(1)
        let id = created.invoice.id
        let amended = try amendBuyer(created)
        try answer(amended.operationID, .answered(.accepted))
        // The centre's copy went back to the create (restored from a backup) and HQ edited it.
        let remote = change(created.invoice, clock: created.clock.incremented(at: Self.centre)) { $0.note = "总部备注" }
        #expect(try apply(page(remote, cursor: 1)) == tally(conflicts: 1))
        #expect(try journal.invoice(id.uuidString).syncState == .conflict)
        #expect(try journal.invoice(id.uuidString).stateReason?.contains("concurrentEdit") == true)

        // No earlier operation of the invoice is in conflict: only the open record holds this one.
        let later = try journal.amend(
            id.uuidString,
            changes: InvoiceInput(fields: ["note": "分行备注"]),
            options: JournalHarness.options
        )
        #expect(try outbox().isEmpty)
        #expect(try journal.blockedOperationCount() == 1)
        #expect(try journal.invoice(id.uuidString).syncState == .conflict)

        let receipt = try journal.resolveConflict(id.uuidString, choice: .local, reason: "以分行为准", actor: "李会计")

        let item = try #require(try outbox().only)
        #expect(item.operation.id == receipt.resolution.operationID)
        #expect(item.operation.kind == .resolve)
        #expect(item.operation.clock.dominates(remote.version.clock))
        #expect(item.operation.clock.dominates(later.clock))
        #expect(try item.operation.decoded().invoice.note == "分行备注")
        #expect(try status(of: later.operationID, invoice: id) == "superseded")
        #expect(try journal.blockedOperationCount() == 0)
        #expect(try journal.invoice(id.uuidString).syncState == .pending)
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func aPageIsRefusedWithoutTheLeaseAndChangesNothing() throws {
        let created = try accepted(1)
        // Another sync job took the lease over.
        _ = try journal.acquireSyncLease(owner: "test/1/outbox", duration: .seconds(3_600)) { _ in true }
        let before = try journal.invoice(created.invoice.id.uuidString)

        let error = journalError {
            try apply(page(change(created.invoice, clock: created.clock.incremented(at: Self.centre)), cursor: 5))
        }

        #expect(error?.code == .leaseLost)
        #expect(try journal.invoice(created.invoice.id.uuidString) == before)
        #expect(try journal.syncHistory().pullCursor == 0)
    }
}
