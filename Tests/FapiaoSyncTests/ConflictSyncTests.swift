import FapiaoCentralStore
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// Conflicts end to end: the engine pushes, meets a conflict or pulls a change made at HQ,
/// the resolver settles what its policies allow, and a person settles the rest (DESIGN §4–§6).
@Suite struct ConflictSync {
    /// When HQ edits, by HQ's own clock: the branch's clock may be skewed from it.
    static let hqTime = UTCTimestamp(
        millisecondsSinceEpoch: ManualClock.defaultStart.millisecondsSinceEpoch + 3_600_000
    )
    /// Whole days the branch's wall clock is off from HQ's: none, a day behind, a day ahead.
    static let skews = [0, -1, 1]

    // MARK: - Concurrent edits

    @Test(arguments: skews)
    func editsOfDifferentFieldsOnBothSidesMergeAutomatically(skewDays: Int) async throws {
        let harness = try SyncHarness()
        harness.clock.advance(byDays: skewDays)
        let created = try harness.capture(1)
        let id = created.invoice.id
        #expect(try await harness.engine().run().tally.accepted == 1)

        let hq = try await harness.hqAmend(id, ["buyer.name": "上海新买方有限公司"])
        let local = try harness.branchAmend(id, ["note": "月底结算"])
        #expect(hq.clock.compare(to: local.clock) == .concurrent)

        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.tally.conflicts == 1)
        #expect(summary.resolved == 1)
        #expect(summary.openConflicts == 0)
        #expect(summary.pulled.conflicts == 0)
        #expect(summary.remaining == 0)

        let centre = try await harness.centreVersion(id)
        #expect(centre.invoice.note == "月底结算")
        #expect(centre.invoice.buyer.name == "上海新买方有限公司")
        #expect(centre.invoice.seller == created.invoice.seller)
        #expect(centre.invoice.gross == created.invoice.gross)
        #expect(centre.clock.dominates(hq.clock))
        #expect(centre.clock.dominates(local.clock))

        let record = try harness.journal.invoice(id.uuidString)
        #expect(record.invoice == centre.invoice)
        #expect(record.clock == centre.clock)
        #expect(record.syncState == .accepted)

        let conflict = try #require(try harness.journal.conflicts(includeResolved: true).only)
        #expect(conflict.kind == .concurrentEdit)
        #expect(conflict.source == .push)
        #expect(conflict.operationID == local.operationID)
        #expect(!conflict.isOpen)
        let resolution = try #require(conflict.resolution)
        #expect(resolution.resolvedBy == "resolver:merge")
        #expect(resolution.policy == .merge)
        #expect(resolution.choice == .merged)
        #expect(resolution.clock == centre.clock)
        let resolveOperation = try #require(resolution.operationID)
        #expect(harness.remote.remoteAnswerCounts("accepted")[resolveOperation] == 1)
        #expect(try harness.operationStatus(of: local.operationID, invoice: id) == "superseded")
        #expect(try harness.journal.openConflictCount() == 0)

        let events = try harness.journal.auditEntries(invoiceID: id)
        let conflictEntry = try #require(events.first { $0.event == .conflict })
        let resolvedEntry = try #require(events.first { $0.event == .resolved })
        #expect(conflictEntry.sequence < resolvedEntry.sequence)
        #expect(conflictEntry.operationID == local.operationID)
        #expect(resolvedEntry.actor == "resolver:merge")
        #expect(resolvedEntry.operationID == resolveOperation)
        #expect(resolvedEntry.clock == centre.clock)
        #expect(try harness.journal.verifyAudit().isIntact)
        #expect(try harness.journal.syncLeaseHolder() == nil)

        // Settled for good: the next run sends nothing and finds nothing new.
        let pushes = harness.remote.pushCount
        let auditCount = try harness.journal.auditEntries().count
        let again = try await harness.engine().run()
        #expect(again.stop == nil)
        #expect(again.sent == 0)
        #expect(again.resolved == 0)
        #expect(again.openConflicts == 0)
        #expect(again.pulled == PullTally())
        #expect(harness.remote.pushCount == pushes)
        #expect(try harness.journal.conflicts(includeResolved: true).count == 1)
        #expect(try harness.journal.auditEntries().count == auditCount)
        #expect(try await harness.centreVersion(id) == centre)
    }

    @Test(arguments: skews)
    func aFieldChangedOnBothSidesWaitsForAPersonAndHoldsLaterChanges(skewDays: Int) async throws {
        let harness = try SyncHarness()
        harness.clock.advance(byDays: skewDays)
        let created = try harness.capture(1)
        let id = created.invoice.id
        #expect(try await harness.engine().run().tally.accepted == 1)

        let hq = try await harness.hqAmend(id, ["note": "总部备注"])
        let local = try harness.branchAmend(id, ["note": "分行备注"])

        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.tally.conflicts == 1)
        #expect(summary.resolved == 0)
        #expect(summary.openConflicts == 1)
        #expect(try harness.journal.openConflictCount() == 1)
        #expect(try await harness.centreVersion(id) == hq)

        let conflict = try #require(try harness.journal.conflicts(includeResolved: false).only)
        #expect(conflict.kind == .concurrentEdit)
        #expect(conflict.isOpen)
        #expect(conflict.local.invoice.note == "分行备注")
        #expect(conflict.local.clock == local.clock)
        #expect(conflict.remote?.invoice.note == "总部备注")
        #expect(conflict.remote?.clock == hq.clock)
        #expect(conflict.ancestor?.clock == created.clock)
        #expect(conflict.ancestor?.invoice.note == nil)
        #expect(try harness.journal.conflict(conflict.id.uuidString) == conflict)
        #expect(try harness.journal.invoice(id.uuidString).syncState == .conflict)

        // A later change of the invoice waits behind the open conflict.
        let later = try harness.branchAmend(id, ["buyer.name": "北京后改买方有限公司"])
        let held = try await harness.engine().run()
        #expect(held.stop == nil)
        #expect(held.sent == 0)
        #expect(held.blocked == 1)
        #expect(held.openConflicts == 1)
        #expect(!harness.remote.pushedOperationIDs.contains(later.operationID))
        #expect(try harness.operationStatus(of: later.operationID, invoice: id) == "pending")
        #expect(try harness.journal.invoice(id.uuidString).syncState == .conflict)
        #expect(try await harness.centreVersion(id) == hq)

        var written = harness.input(1)
        written.fields["note"] = "总部与分行核对后的备注"
        let receipt = try harness.journal.resolveConflict(
            conflict.id.uuidString,
            choice: .merged,
            mergedInput: written,
            reason: "电话核对后以总部与分行共同确认的备注为准",
            actor: "李会计"
        )
        #expect(receipt.invoice.note == "总部与分行核对后的备注")
        #expect(receipt.resolution.clock.dominates(hq.clock))
        #expect(receipt.resolution.clock.dominates(later.clock))

        let resolved = try await harness.engine().run()

        #expect(resolved.stop == nil)
        #expect(resolved.sent == 1)
        #expect(resolved.tally.accepted == 1)
        #expect(resolved.openConflicts == 0)
        #expect(resolved.remaining == 0)
        let centre = try await harness.centreVersion(id)
        #expect(centre.invoice.note == "总部与分行核对后的备注")
        #expect(centre.invoice == receipt.invoice)
        #expect(centre.clock == receipt.resolution.clock)
        let settled = try harness.journal.conflict(conflict.id.uuidString)
        #expect(settled.resolution?.resolvedBy == "李会计")
        #expect(settled.resolution?.reason == "电话核对后以总部与分行共同确认的备注为准")
        #expect(settled.resolution?.choice == .merged)
        #expect(settled.resolution?.policy == nil)
        #expect(settled.resolution?.operationID == receipt.resolution.operationID)
        // The held amend was replaced by the resolution, never sent on its own.
        #expect(try harness.operationStatus(of: later.operationID, invoice: id) == "superseded")
        #expect(!harness.remote.pushedOperationIDs.contains(later.operationID))
        let record = try harness.journal.invoice(id.uuidString)
        #expect(record.syncState == .accepted)
        #expect(record.invoice == centre.invoice)
        #expect(record.clock == centre.clock)
        let resolvedEntry = try #require(
            try harness.journal.auditEntries(invoiceID: id).last { $0.event == .resolved }
        )
        #expect(resolvedEntry.actor == "李会计")
        #expect(resolvedEntry.detailsText.contains("电话核对后以总部与分行共同确认的备注为准"))
        #expect(try harness.journal.verifyAudit().isIntact)
    }

    // MARK: - Voids at HQ

    @Test func aVoidAtHQReachesTheBranchWithoutAConflict() async throws {
        let harness = try SyncHarness()
        let voidedID = try harness.capture(1).invoice.id
        let untouched = try harness.capture(2)
        #expect(try await harness.engine().run().tally.accepted == 2)

        let hq = try await harness.store.edit(
            voidedID,
            CentralEdit(.void(reason: "开错抬头"), actor: "hq", at: Self.hqTime)
        )
        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.sent == 0)
        #expect(summary.pulled.applied == 1)
        #expect(summary.pulled.conflicts == 0)
        #expect(summary.openConflicts == 0)
        let record = try harness.journal.invoice(voidedID.uuidString)
        #expect(record.isVoided)
        #expect(record.invoice.void?.reason == "开错抬头")
        #expect(record.invoice == hq.invoice)
        #expect(record.clock == hq.clock)
        #expect(record.syncState == .accepted)
        let pulled = try #require(
            try harness.journal.auditEntries(invoiceID: voidedID).filter { $0.event == .pulled }.only
        )
        #expect(pulled.clock == hq.clock)
        #expect(pulled.actor == SyncHarness.syncActor)
        #expect(try harness.journal.conflicts(includeResolved: true).isEmpty)
        #expect(try harness.journal.invoice(untouched.invoice.id.uuidString).invoice == untouched.invoice)
        #expect(try harness.journal.syncHistory().pullCursor > 0)
        let verification = try harness.journal.verifyAudit()
        #expect(verification.isIntact, "\(verification.problem ?? "")")

        // The pull cursor moved past it: it is not applied twice.
        let again = try await harness.engine().run()
        #expect(again.pulled == PullTally())
        #expect(try harness.journal.auditEntries(invoiceID: voidedID).count { $0.event == .pulled } == 1)
    }

    @Test func aBranchChangeAfterAPulledHQAmendDescendsFromItAndIsAccepted() async throws {
        let harness = try SyncHarness()
        let id = try harness.capture(1).invoice.id
        #expect(try await harness.engine().run().tally.accepted == 1)
        let hq = try await harness.hqAmend(id, ["buyer.name": "上海新买方有限公司"])
        #expect(try await harness.engine().run().pulled.applied == 1)
        #expect(try harness.journal.invoice(id.uuidString).clock == hq.clock)

        let local = try harness.branchAmend(id, ["note": "月底结算"])
        #expect(local.clock.dominates(hq.clock))
        let summary = try await harness.engine().run()

        #expect(summary.tally.accepted == 1)
        #expect(summary.tally.conflicts == 0)
        #expect(summary.openConflicts == 0)
        let centre = try await harness.centreVersion(id)
        #expect(centre.invoice.buyer.name == "上海新买方有限公司")
        #expect(centre.invoice.note == "月底结算")
        #expect(centre.clock == local.clock)
        #expect(try harness.journal.conflicts(includeResolved: true).isEmpty)
        #expect(try harness.journal.verifyAudit().isIntact)
    }

    /// HQ gives an invoice a number the branch has meanwhile captured for another, unsent one.
    ///
    /// The merge of the pulled version cannot be written here (the number is taken locally):
    /// that conflict needs a person, like the duplicate itself, and the run must go on and
    /// settle the conflicts it can.
    @Test func aResolutionThatCannotBeWrittenLeavesItsConflictOpenAndTheRunGoesOn() async throws {
        let harness = try SyncHarness()
        let renumbered = try harness.capture(1)
        #expect(try await harness.engine().run().tally.accepted == 1)
        let taken = try harness.capture(2)
        let other = try harness.capture(3)
        _ = try await harness.hqAmend(renumbered.invoice.id, ["number": InvoiceFixtures.number(2)])

        let summary = try await harness.engine().run()
        #expect(summary.stop == nil)
        #expect(summary.openConflicts == 2)
        let open = try harness.journal.conflicts(includeResolved: false)
        #expect(Set(open.map(\.invoiceID)) == [renumbered.invoice.id, taken.invoice.id])
        #expect(open.first { $0.invoiceID == taken.invoice.id }?.kind == .duplicateNumber)
        #expect(try harness.journal.invoice(renumbered.invoice.id.uuidString).invoice == renumbered.invoice)
        #expect(try harness.journal.invoice(other.invoice.id.uuidString).syncState == .accepted)
        #expect(try harness.journal.syncLeaseHolder() == nil)

        // A later conflict the merge policy can settle must not be stuck behind that one.
        _ = try await harness.hqAmend(other.invoice.id, ["buyer.name": "上海新买方有限公司"])
        _ = try harness.branchAmend(other.invoice.id, ["note": "月底结算"])
        let later = try await harness.engine().run()
        #expect(later.resolved == 1)
        #expect(later.openConflicts == 2)
        let settled = try harness.journal.conflict(other.invoice.id.uuidString)
        let centre = try await harness.centreVersion(other.invoice.id)
        #expect(settled.resolution?.resolvedBy == "resolver:merge")
        #expect(centre.invoice.note == "月底结算")
    }

    @Test func anAmendOfAnInvoiceHQVoidedIsAConflictAndTheCentreStaysVoided() async throws {
        let harness = try SyncHarness()
        let id = try harness.capture(1).invoice.id
        #expect(try await harness.engine().run().tally.accepted == 1)

        let hq = try await harness.store.edit(id, CentralEdit(.void(reason: "重复开具"), actor: "hq", at: Self.hqTime))
        let local = try harness.branchAmend(id, ["note": "补充备注"])
        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.tally.conflicts == 1)
        #expect(summary.resolved == 0)
        #expect(summary.openConflicts == 1)
        let conflict = try #require(try harness.journal.conflicts(includeResolved: false).only)
        #expect(conflict.kind == .editOfVoided)
        #expect(conflict.remote?.invoice.void?.reason == "重复开具")
        #expect(conflict.local.clock == local.clock)
        #expect(try await harness.centreVersion(id) == hq)
        let record = try harness.journal.invoice(id.uuidString)
        #expect(!record.isVoided)
        #expect(record.syncState == .conflict)

        // Taking HQ's void settles it on both sides; the centre is never un-voided.
        try harness.journal.resolveConflict(
            conflict.id.uuidString,
            choice: .remote,
            reason: "总部已作废",
            actor: "李会计"
        )
        let resolved = try await harness.engine().run()
        #expect(resolved.openConflicts == 0)
        #expect(resolved.tally.accepted == 1)
        let centre = try await harness.centreVersion(id)
        #expect(centre.invoice.void?.reason == "重复开具")
        #expect(centre.clock.dominates(hq.clock))
        #expect(centre.clock.dominates(local.clock))
        #expect(try harness.journal.invoice(id.uuidString).isVoided)
        #expect(try harness.journal.invoice(id.uuidString).syncState == .accepted)
        #expect(try harness.journal.verifyAudit().isIntact)
    }

    // MARK: - Two branches, one number

    @Test func aNumberTwoBranchesCapturedIsADuplicateForTheSecondAndIsFixedByARenumbering() async throws {
        let beijing = try SyncHarness()
        let shanghai = try ConflictSyncBranch(node: "sh-01", store: beijing.store)
        let first = try beijing.capture(1)
        let second = try shanghai.journal.capture(shanghai.input(1), options: SyncHarness.options)
        #expect(first.invoice.id != second.invoice.id)
        #expect(first.invoice.numberKey == second.invoice.numberKey)

        #expect(try await beijing.engine().run().tally.accepted == 1)
        let summary = try await shanghai.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.tally.conflicts == 1)
        #expect(summary.resolved == 0)
        #expect(summary.openConflicts == 1)
        let conflict = try #require(try shanghai.journal.conflicts(includeResolved: false).only)
        #expect(conflict.kind == .duplicateNumber)
        #expect(conflict.invoiceID == second.invoice.id)
        #expect(conflict.remote?.invoice.id == first.invoice.id)
        #expect(try shanghai.journal.invoice(second.invoice.id.uuidString).syncState == .conflict)
        let lookup = try await beijing.store.lookup([first.invoice.id, second.invoice.id])
        #expect(lookup.found.map(\.invoice) == [first.invoice])
        #expect(lookup.missing == [second.invoice.id])

        // The other invoice cannot stand in for this one, nor can this one keep the number.
        let takeRemote = thrownJournalError {
            try shanghai.journal.resolveConflict(conflict.id.uuidString, choice: .remote, reason: "试试", actor: "张会计")
        }
        #expect(takeRemote?.code == .invalidChange)
        let takeLocal = thrownJournalError {
            try shanghai.journal.resolveConflict(conflict.id.uuidString, choice: .local, reason: "试试", actor: "张会计")
        }
        #expect(takeLocal?.code == .invalidChange)
        #expect(try shanghai.journal.conflict(conflict.id.uuidString).isOpen)

        var renumbered = shanghai.input(1)
        renumbered.fields["number"] = InvoiceFixtures.number(2)
        let receipt = try shanghai.journal.resolveConflict(
            conflict.id.uuidString,
            choice: .merged,
            mergedInput: renumbered,
            reason: "纸质发票号码录入错误，按原件更正",
            actor: "张会计"
        )
        #expect(receipt.invoice.number == InvoiceFixtures.number(2))
        let resolved = try await shanghai.engine().run()

        #expect(resolved.stop == nil)
        #expect(resolved.tally.accepted == 1)
        #expect(resolved.openConflicts == 0)
        let after = try await beijing.store.lookup([first.invoice.id, second.invoice.id])
        #expect(after.missing.isEmpty)
        let byID = Dictionary(uniqueKeysWithValues: after.found.map { ($0.invoice.id, $0) })
        #expect(byID[first.invoice.id]?.invoice == first.invoice)
        #expect(byID[second.invoice.id]?.invoice.number == InvoiceFixtures.number(2))
        #expect(byID[second.invoice.id]?.invoice == receipt.invoice)
        #expect(try await beijing.store.invoiceCount() == 2)
        #expect(try shanghai.journal.invoice(second.invoice.id.uuidString).syncState == .accepted)
        #expect(try shanghai.journal.conflict(conflict.id.uuidString).resolution?.resolvedBy == "张会计")
        #expect(try shanghai.journal.verifyAudit().isIntact)
    }

    // MARK: - Reconcile

    @Test func anInvoiceTheCentreLostIsReportedReQueuedAndRestored() async throws {
        let harness = try SyncHarness()
        let lost = try harness.capture(1)
        let kept = try harness.capture(2)
        #expect(try await harness.engine().run().tally.accepted == 2)
        harness.store.removeInvoice(lost.invoice.id)
        let reconciler = harness.makeReconciler()

        let countsBefore = try harness.journal.operationCounts()
        let auditBefore = try harness.journal.auditEntries()
        let dryRun = try await reconciler.run(apply: false)
        #expect(!dryRun.applied)
        #expect(dryRun.remoteInvoices == 1)
        #expect(dryRun.matching == 1)
        let dryFinding = try #require(dryRun.findings.only)
        #expect(dryFinding.kind == .missingAtRemote)
        #expect(dryFinding.invoiceID == lost.invoice.id)
        #expect(dryFinding.number == lost.invoice.number)
        #expect(dryFinding.operationID == nil)
        #expect(try harness.journal.operationCounts() == countsBefore)
        #expect(try harness.journal.auditEntries() == auditBefore)
        #expect(try harness.journal.invoice(lost.invoice.id.uuidString).syncState == .accepted)

        let report = try await reconciler.run(apply: true)
        #expect(report.applied)
        #expect(report.count(.missingAtRemote) == 1)
        #expect(report.findings.count == 1)
        let requeued = try #require(report.findings.only?.operationID)
        #expect(try harness.journal.operationCounts()[.pending] == 1)
        #expect(try harness.operationStatus(of: requeued, invoice: lost.invoice.id) == "pending")
        #expect(try harness.journal.invoice(lost.invoice.id.uuidString).syncState == .pending)
        #expect(try harness.journal.auditEntries().contains { $0.event == .reconciled && $0.operationID == requeued })

        let summary = try await harness.engine().run()
        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 1)
        #expect(harness.remote.remoteAnswerCounts("accepted")[requeued] == 1)
        let restored = try await harness.centreVersion(lost.invoice.id)
        let local = try harness.journal.invoice(lost.invoice.id.uuidString)
        #expect(restored.invoice == lost.invoice)
        #expect(restored.clock == local.clock)
        #expect(local.syncState == .accepted)
        #expect(try await harness.centreVersion(kept.invoice.id).invoice == kept.invoice)

        let clean = try await reconciler.run(apply: true)
        #expect(clean.isClean)
        #expect(clean.matching == 2)
        #expect(try harness.journal.verifyAudit().isIntact)
    }

    /// The in-memory store has no call to rewrite a row in place, so the test removes the
    /// invoice and pushes another version of it with the very same clock: what reconcile then
    /// sees is the centre's row changed without its clock ticking.
    @Test func aCentreCopyChangedWithoutItsClockIsAContentConflictThatHoldsLaterChanges() async throws {
        let harness = try SyncHarness()
        let id = try harness.capture(1).invoice.id
        #expect(try await harness.engine().run().tally.accepted == 1)
        let local = try harness.journal.invoice(id.uuidString)
        var tampered = local.invoice
        tampered.buyer.name = "被改动的买方有限公司"
        harness.store.removeInvoice(id)
        let answers = try await harness.store.push(
            [InvoiceOperation(id: UUID(), kind: .create, clock: local.clock, invoice: tampered)],
            from: SyncHarness.node
        )
        #expect(answers.map(\.outcome) == [.accepted])
        let reconciler = harness.makeReconciler()

        let dryRun = try await reconciler.run(apply: false)
        #expect(dryRun.findings.map(\.kind) == [.contentDiffers])
        #expect(dryRun.findings.first?.conflictID == nil)
        #expect(try harness.journal.conflicts(includeResolved: true).isEmpty)

        let report = try await reconciler.run(apply: true)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == .contentDiffers)
        let conflictID = try #require(finding.conflictID)
        let conflict = try harness.journal.conflict(conflictID.uuidString)
        #expect(conflict.kind == .contentDiffers)
        #expect(conflict.source == .reconcile)
        #expect(conflict.isOpen)
        #expect(conflict.local.invoice == local.invoice)
        #expect(conflict.remote?.invoice == tampered)
        #expect(conflict.remote?.clock == local.clock)
        #expect(try harness.journal.invoice(id.uuidString).syncState == .conflict)

        // Only the open conflict record holds this amend back: no earlier operation is in conflict.
        let later = try harness.branchAmend(id, ["note": "对账后补充"])
        let held = try await harness.engine().run()
        #expect(held.sent == 0)
        #expect(held.blocked == 1)
        #expect(held.openConflicts == 1)
        #expect(!harness.remote.pushedOperationIDs.contains(later.operationID))
        #expect(try await harness.centreVersion(id).invoice == tampered)

        try harness.journal.resolveConflict(conflictID.uuidString, choice: .local, reason: "以分行原件为准", actor: "李会计")
        let resolved = try await harness.engine().run()
        #expect(resolved.openConflicts == 0)
        let centre = try await harness.centreVersion(id)
        #expect(centre.invoice.buyer.name == local.invoice.buyer.name)
        #expect(centre.invoice.note == "对账后补充")
        #expect(centre.clock.dominates(local.clock))
        #expect(try harness.operationStatus(of: later.operationID, invoice: id) == "superseded")
        #expect(try harness.journal.verifyAudit().isIntact)
    }

    // MARK: - Policies

    @Test func aDuplicateNumberCannotBeGivenAnAutomaticPolicy() throws {
        let harness = try SyncHarness()
        let auditBefore = try harness.journal.auditEntries()
        for policy in ["merge", "remote-wins", "local-wins"] {
            let failure = thrownSettingError {
                try harness.journal.setResolverPolicy(rule: "duplicateNumber", policy: policy, actor: "李会计")
            }
            #expect(failure != nil, "duplicateNumber \(policy)")
        }
        #expect(
            thrownSettingError {
                try harness.journal.setResolverPolicy(rule: "bogus", policy: "merge", actor: "李会计")
            } != nil
        )
        #expect(
            thrownSettingError {
                try harness.journal.setResolverPolicy(rule: "concurrentEdit", policy: "coin-toss", actor: "李会计")
            } != nil
        )
        #expect(try harness.journal.resolverPolicies() == .defaults)
        #expect(try harness.journal.auditEntries() == auditBefore)
    }

    @Test func remoteWinsSettlesASameFieldConflictWithHQsValue() async throws {
        let harness = try SyncHarness()
        let policies = try harness.journal.setResolverPolicy(
            rule: "concurrentEdit",
            policy: "remote-wins",
            actor: "李会计"
        )
        #expect(policies.byKind[.concurrentEdit] == .remoteWins)
        #expect(try harness.journal.resolverPolicies() == policies)
        #expect(try harness.journal.auditEntries().last?.event == .configured)

        let id = try harness.capture(1).invoice.id
        #expect(try await harness.engine().run().tally.accepted == 1)
        let hq = try await harness.hqAmend(id, ["note": "总部备注"])
        let local = try harness.branchAmend(id, ["note": "分行备注"])

        let summary = try await harness.engine().run()

        #expect(summary.stop == nil)
        #expect(summary.resolved == 1)
        #expect(summary.openConflicts == 0)
        let centre = try await harness.centreVersion(id)
        #expect(centre.invoice.note == "总部备注")
        #expect(centre.invoice == hq.invoice)
        #expect(centre.clock.dominates(hq.clock))
        #expect(centre.clock.dominates(local.clock))
        let record = try harness.journal.invoice(id.uuidString)
        #expect(record.invoice.note == "总部备注")
        #expect(record.clock == centre.clock)
        #expect(record.syncState == .accepted)
        let resolution = try #require(try harness.journal.conflicts(includeResolved: true).only?.resolution)
        #expect(resolution.resolvedBy == "resolver:remote-wins")
        #expect(resolution.policy == .remoteWins)
        #expect(resolution.choice == .remote)
        #expect(try harness.journal.verifyAudit().isIntact)
    }

    @Test func aConflictTouchingATaxIDWaitsForAPersonUnderTheDefaultPolicies() async throws {
        let harness = try SyncHarness()
        let id = try harness.capture(1).invoice.id
        #expect(try await harness.engine().run().tally.accepted == 1)
        // Disjoint fields would merge, but the buyer's taxpayer ID counts as an amount.
        let hq = try await harness.hqAmend(id, ["buyer.taxID": InvoiceFixtures.sellerTaxID])
        _ = try harness.branchAmend(id, ["note": "分行备注"])

        let summary = try await harness.engine().run()

        #expect(summary.resolved == 0)
        #expect(summary.openConflicts == 1)
        #expect(try await harness.centreVersion(id) == hq)
        #expect(try harness.journal.conflicts(includeResolved: false).only?.kind == .concurrentEdit)

        // A person may still take the three-way merge, which has no field changed on both sides.
        let receipt = try harness.journal.resolveConflict(id.uuidString, choice: .merged, reason: "核对无误", actor: "李会计")
        #expect(receipt.invoice.buyer.taxID == InvoiceFixtures.sellerTaxID)
        #expect(receipt.invoice.note == "分行备注")
        let resolved = try await harness.engine().run()
        #expect(resolved.openConflicts == 0)
        #expect(try await harness.centreVersion(id).invoice == receipt.invoice)
    }
}

// MARK: - Helpers

/// A second branch on the same central store, with its own journal, ids, clock and engine.
private struct ConflictSyncBranch {
    let directory: TemporaryDirectory
    let clock = ManualClock()
    let journal: Journal
    let remote: StoreRemote

    init(node: String, store: InMemoryCentralStore) throws {
        directory = try TemporaryDirectory()
        journal = try Journal.create(
            at: directory.file("journal.sqlite"),
            settings: JournalSettings(node: node, operatorName: "张会计"),
            actor: "张会计",
            // Ids of its own: two branches never mint the same invoice id.
            environment: .testing(clock: clock, ids: SequentialIDSource(startingAt: 100_001))
        )
        remote = StoreRemote(store: store, endpoint: "memory:central")
    }

    func input(_ sequence: Int) -> InvoiceInput {
        InvoiceFixtures.validInput(clock: clock, number: InvoiceFixtures.number(sequence))
    }

    func engine() -> SyncEngine {
        SyncEngine(
            journal: journal,
            remote: remote,
            options: SyncOptions(owner: "test/other-engine", actor: SyncHarness.syncActor),
            environment: SyncEnvironment(sleep: { _ in }, jitter: { 0.5 })
        )
    }
}

extension SyncHarness {
    /// HQ amends the named fields at the centre.
    fileprivate func hqAmend(_ id: UUID, _ fields: [String: String]) async throws -> RemoteVersion {
        try await store.edit(id, CentralEdit(.amend(fields), actor: "hq", at: ConflictSync.hqTime))
    }

    /// The branch amends the named fields.
    @discardableResult
    fileprivate func branchAmend(_ id: UUID, _ fields: [String: String]) throws -> ChangeReceipt {
        try journal.amend(id.uuidString, changes: InvoiceInput(fields: fields), options: Self.options)
    }

    /// The centre's current version of an invoice.
    fileprivate func centreVersion(
        _ id: UUID,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> RemoteVersion {
        try #require(try await store.lookup([id]).found.only, sourceLocation: sourceLocation)
    }

    /// An operation's status in the journal.
    fileprivate func operationStatus(of operationID: UUID, invoice: UUID) throws -> String? {
        try journal.operations(of: invoice).first { $0.id == operationID.uuidString }?.status
    }

    fileprivate func makeReconciler() -> Reconciler {
        Reconciler(journal: journal, remote: remote, owner: "test/reconcile", actor: "reconcile")
    }
}

/// The error `body` throws as a ``JournalError``, or `nil` when it throws nothing or something else.
private func thrownJournalError<T>(_ body: () throws -> T) -> JournalError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? JournalError
    }
}

/// The error `body` throws when it is a ``JournalError`` `.invalidSetting`, else `nil`.
private func thrownSettingError<T>(_ body: () throws -> T) -> JournalError? {
    do {
        _ = try body()
        return nil
    } catch let error as JournalError where error.code == .invalidSetting {
        return error
    } catch {
        return nil
    }
}
