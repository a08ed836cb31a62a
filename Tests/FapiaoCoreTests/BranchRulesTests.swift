import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// The branch's decisions as tables: every case of pull, reconcile, outcome and state.
///
/// Clocks decide; the wall times of the versions (a branch a day ahead or behind HQ) never do.
@Suite struct BranchRulesTests {
    static let fixture = RulesFixture()
    static let branch = RulesFixture.branch

    static func version(
        _ clock: [String: UInt64],
        voided: Bool = false,
        note: String? = nil,
        dayOff: Int = 0
    )
        -> RemoteVersion
    {
        // The fixture invoice is valid by construction; the rules tests need no validation failures.
        guard var invoice = try? fixture.invoice() else { preconditionFailure("the fixture invoice is valid") }
        // A version stamped a day before or after: wall time must not change any decision.
        invoice.capturedAt = UTCTimestamp(
            millisecondsSinceEpoch: invoice.capturedAt.millisecondsSinceEpoch + Int64(dayOff) * 86_400_000
        )
        if voided { invoice = fixture.voided(invoice) }
        if let note { invoice.note = note }
        return RemoteVersion(invoice: invoice, clock: VectorClock(clock))
    }

    static func local(
        _ clock: [String: UInt64],
        voided: Bool = false,
        conflictOpen: Bool = false,
        unanswered: Bool = false,
        numberTaken: Bool = false
    ) -> BranchRules.LocalSituation {
        BranchRules.LocalSituation(
            clock: VectorClock(clock),
            isVoided: voided,
            hasOpenConflict: conflictOpen,
            hasUnansweredOperations: unanswered,
            numberTakenHere: numberTaken
        )
    }

    struct PullCase: Sendable, CustomTestStringConvertible {
        let name: String
        let remote: RemoteVersion
        let local: BranchRules.LocalSituation?
        let expected: BranchRules.PullDecision?
        var testDescription: String { name }
    }

    static let pullCases: [PullCase] = [
        PullCase(name: "unknown invoice", remote: version([branch: 1]), local: nil, expected: nil),
        PullCase(name: "same clock", remote: version([branch: 2]), local: local([branch: 2]), expected: .unchanged),
        PullCase(name: "remote older", remote: version([branch: 1]), local: local([branch: 2]), expected: .unchanged),
        PullCase(
            name: "remote older though stamped a day later",
            remote: version([branch: 1], dayOff: 1),
            local: local([branch: 2]),
            expected: .unchanged
        ),
        PullCase(
            name: "HQ amend dominates",
            remote: version([branch: 1, "central": 1]),
            local: local([branch: 1]),
            expected: .apply
        ),
        PullCase(
            name: "HQ amend dominates though stamped a day earlier",
            remote: version([branch: 1, "central": 1], dayOff: -1),
            local: local([branch: 1]),
            expected: .apply
        ),
        PullCase(
            name: "HQ void dominates",
            remote: version([branch: 1, "central": 1], voided: true),
            local: local([branch: 1]),
            expected: .apply
        ),
        PullCase(
            name: "dominating but the number is taken here",
            remote: version([branch: 1, "central": 1]),
            local: local([branch: 1], numberTaken: true),
            expected: .conflict(.concurrentEdit)
        ),
        PullCase(
            name: "dominating with a conflict open",
            remote: version([branch: 1, "central": 2]),
            local: local([branch: 1], conflictOpen: true),
            expected: .refreshOpenConflict
        ),
        PullCase(
            name: "concurrent edit",
            remote: version([branch: 1, "central": 1]),
            local: local([branch: 2]),
            expected: .conflict(.concurrentEdit)
        ),
        PullCase(
            name: "concurrent HQ void",
            remote: version([branch: 1, "central": 1], voided: true),
            local: local([branch: 2]),
            expected: .conflict(.editOfVoided)
        ),
        PullCase(
            name: "concurrent void of a version voided here too",
            remote: version([branch: 1, "central": 1], voided: true),
            local: local([branch: 2], voided: true),
            expected: .conflict(.concurrentEdit)
        ),
        PullCase(
            name: "concurrent with changes still to push",
            remote: version([branch: 1, "central": 1]),
            local: local([branch: 2], unanswered: true),
            expected: .waitForPush
        ),
        PullCase(
            name: "concurrent with a conflict open",
            remote: version([branch: 1, "central": 1]),
            local: local([branch: 2], conflictOpen: true, unanswered: true),
            expected: .refreshOpenConflict
        ),
    ]

    @Test(arguments: pullCases)
    func aPulledVersion(_ row: PullCase) {
        #expect(BranchRules.pulled(row.remote, local: row.local) == row.expected)
    }

    struct ReconcileCase: Sendable, CustomTestStringConvertible {
        let name: String
        let remote: RemoteVersion
        let localHash: String?
        let local: BranchRules.LocalSituation?
        let expected: BranchRules.ReconcileDecision
        var testDescription: String { name }
    }

    static let same = version([branch: 2])
    static let reconcileCases: [ReconcileCase] = [
        ReconcileCase(name: "not here", remote: same, localHash: nil, local: nil, expected: .missingLocally),
        ReconcileCase(
            name: "same clock same content",
            remote: same,
            localHash: same.invoice.contentHash,
            local: local([branch: 2]),
            expected: .matching
        ),
        ReconcileCase(
            name: "same clock other content",
            remote: version([branch: 2], note: "改过"),
            localHash: same.invoice.contentHash,
            local: local([branch: 2]),
            expected: .contentDiffers(recordConflict: true)
        ),
        ReconcileCase(
            name: "same clock other content, conflict open",
            remote: version([branch: 2], note: "改过"),
            localHash: same.invoice.contentHash,
            local: local([branch: 2], conflictOpen: true),
            expected: .contentDiffers(recordConflict: false)
        ),
        ReconcileCase(
            name: "remote behind",
            remote: version([branch: 1]),
            localHash: same.invoice.contentHash,
            local: local([branch: 2]),
            expected: .olderAtRemote
        ),
        ReconcileCase(
            name: "remote behind, stamped a day later",
            remote: version([branch: 1], dayOff: 1),
            localHash: same.invoice.contentHash,
            local: local([branch: 2]),
            expected: .olderAtRemote
        ),
        ReconcileCase(
            name: "remote behind, a change queued",
            remote: version([branch: 1]),
            localHash: same.invoice.contentHash,
            local: local([branch: 2], unanswered: true),
            expected: .awaitingPush
        ),
        ReconcileCase(
            name: "remote behind, conflict open",
            remote: version([branch: 1]),
            localHash: same.invoice.contentHash,
            local: local([branch: 2], conflictOpen: true),
            expected: .awaitingPush
        ),
        ReconcileCase(
            name: "remote newer",
            remote: version([branch: 2, "central": 1]),
            localHash: same.invoice.contentHash,
            local: local([branch: 2]),
            expected: .newerAtRemote
        ),
        ReconcileCase(
            name: "remote concurrent",
            remote: version([branch: 1, "central": 1]),
            localHash: same.invoice.contentHash,
            local: local([branch: 2]),
            expected: .newerAtRemote
        ),
    ]

    @Test(arguments: reconcileCases)
    func aReconciledInvoice(_ row: ReconcileCase) {
        #expect(BranchRules.reconciled(row.remote, localContentHash: row.localHash, local: row.local) == row.expected)
    }

    @Test func anInvoiceMissingAtTheRemoteIsRequeuedOnlyWhenNothingElseWillSendIt() {
        #expect(BranchRules.requeuesMissingAtRemote(local: Self.local([Self.branch: 1])))
        #expect(!BranchRules.requeuesMissingAtRemote(local: Self.local([Self.branch: 1], unanswered: true)))
        #expect(!BranchRules.requeuesMissingAtRemote(local: Self.local([Self.branch: 1], conflictOpen: true)))
    }

    @Test(arguments: [
        (PushResult.answered(.accepted), OperationStatus.accepted, [AuditEvent.accepted]),
        (.answered(.duplicate), .duplicate, [.duplicate]),
        (.answered(.stale(current: VectorClock([branch: 2]))), .stale, [.stale]),
        (.answered(.conflict(.concurrentEdit, remote: version([branch: 1, "central": 1]))), .conflict, [.conflict]),
        (.answered(.rejected(reason: "bad tax ID")), .quarantined, [.rejected, .quarantined]),
        (.answered(.deferred(reason: "waits for its create")), .pending, [.deferred]),
        (.unanswered(reason: "reply lost", mayHaveApplied: true), .inDoubt, [.inDoubt]),
        (.unanswered(reason: "connection refused", mayHaveApplied: false), .pending, [.deferred]),
        (.gaveUp(reason: "no answer after 10 attempts"), .quarantined, [.quarantined]),
    ])
    func whatAPushResultLeadsTo(result: PushResult, status: OperationStatus, events: [AuditEvent]) {
        let transition = BranchRules.transition(for: result)
        #expect(transition.status == status)
        #expect(transition.events == events)
    }

    @Test(arguments: [
        ([OperationStatus](), false, SyncState.accepted),
        ([.accepted, .duplicate, .stale, .superseded], false, .accepted),
        ([.accepted, .pending], false, .pending),
        ([.pending, .inFlight], false, .inFlight),
        ([.inFlight, .inDoubt, .pending], false, .inDoubt),
        ([.accepted], true, .conflict),
        ([.conflict, .pending], false, .conflict),
        ([.inDoubt], true, .conflict),
        ([.quarantined, .conflict, .inDoubt], true, .quarantined),
    ])
    func anInvoicesSyncState(operations: [OperationStatus], conflictOpen: Bool, expected: SyncState) {
        #expect(BranchRules.syncState(operations: operations, hasOpenConflict: conflictOpen) == expected)
    }
}
