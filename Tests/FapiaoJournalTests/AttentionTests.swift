import FapiaoCore
import Testing

@testable import FapiaoJournal

/// The attention rule of `fapiao status --check`, as a property of the journal's status.
@Suite struct AttentionTests {
    static func status(quarantined: Int = 0, inDoubt: Int = 0, conflicts: Int = 0) -> JournalStatus {
        JournalStatus(
            node: "bj-01",
            remote: nil,
            invoices: 10,
            byState: [.accepted: 10 - quarantined - inDoubt, .quarantined: quarantined, .inDoubt: inDoubt],
            voided: 0,
            pendingOperations: 0,
            oldestPendingSince: nil,
            openConflicts: conflicts,
            auditEntries: 20
        )
    }

    @Test(arguments: [
        (0, 0, 0, nil as String?, 0),
        (0, 3, 0, nil, 0),
        (0, 3, 0, "connection refused", 1),
        (2, 0, 0, nil, 1),
        (0, 0, 1, nil, 1),
        (2, 3, 1, "timeout", 3),
    ])
    func attentionIsNeededForQuarantinesConflictsAndDoubtAfterAFailedSync(
        quarantined: Int,
        inDoubt: Int,
        conflicts: Int,
        lastError: String?,
        reasons: Int
    ) {
        let status = Self.status(quarantined: quarantined, inDoubt: inDoubt, conflicts: conflicts)
        #expect(status.attentionReasons(lastSyncError: lastError).count == reasons)
        #expect(status.needsAttention(lastSyncError: lastError) == (reasons > 0))
    }
}
