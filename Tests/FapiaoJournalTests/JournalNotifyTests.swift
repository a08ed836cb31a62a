import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

/// Settings changed after init, notifiers, the notices a journal gives and claims, and how sync
/// runs change what the branch knows of its remote.
@Suite struct JournalNotifyTests {
    let harness: JournalHarness
    let journal: Journal

    init() throws {
        harness = try JournalHarness()
        journal = try harness.create()
    }

    @Test func aSettingChangeIsAuditedAndReadBack() throws {
        let change = try journal.changeSetting(.remote, to: "http://127.0.0.1:8080", reason: "HQ moved", actor: "王芳")
        #expect(change.from == nil)
        #expect(change.settings.remote == "http://127.0.0.1:8080")
        try journal.changeSetting(.noticeOutboxAge, to: "7200", reason: nil, actor: "王芳")
        try journal.close()
        let reopened = try harness.open()
        #expect(reopened.settings.remote == "http://127.0.0.1:8080")
        #expect(reopened.settings.noticeOutboxAgeSeconds == 7200)
        let entries = try reopened.auditEntries(after: 0, limit: 100).filter { $0.event == .configured }
        #expect(entries.count == 2)
        #expect(entries.first?.detailsText.contains("\"reason\":\"HQ moved\"") == true)
        #expect(entries.first?.detailsText.contains("\"to\":\"http://127.0.0.1:8080\"") == true)
        #expect(try reopened.verifyAudit().isIntact)
    }

    @Test func aRefusedSettingNamesTheKeyAndChangesNothing() throws {
        let before = try journal.status().auditEntries
        for (key, value) in [
            (JournalSettingKey.offlineWindowDays, "0"), (.noticeInterval, "5"), (.operatorName, "  "),
            (.offlineWindowDays, nil),
        ] {
            let error = journalError { try journal.changeSetting(key, to: value, reason: nil, actor: "王芳") }
            #expect(error?.code == .invalidSetting)
            #expect(error?.message.hasPrefix(key.rawValue) == true)
        }
        #expect(try journal.status().auditEntries == before)
    }

    @Test func notifiersAreAddedOnceListedAndRemoved() throws {
        try journal.addNotifier(name: "chat", target: "https://chat.example/hook", mailTo: nil, actor: "王芳")
        #expect(
            journalError {
                try journal.addNotifier(name: "chat", target: "exec:/bin/true", mailTo: nil, actor: "王芳")
            }?.code == .alreadyExists
        )
        #expect(
            journalError {
                try journal.addNotifier(name: "Bad Name", target: "exec:/bin/true", mailTo: nil, actor: "王芳")
            }?
            .code == .invalidSetting
        )
        #expect(try journal.notifiers().map(\.name) == ["chat"])
        try journal.removeNotifier(name: "chat", actor: "王芳")
        #expect(try journal.notifiers().isEmpty)
        #expect(journalError { try journal.removeNotifier(name: "chat", actor: "王芳") }?.code == .notFound)
    }

    @Test func anOutboxOlderThanTheThresholdIsANoticeOncePerInterval() throws {
        _ = try journal.capture(harness.input(1), options: JournalHarness.options)
        #expect(try journal.branchNotices(outboxAgeMilliseconds: 3_600_000).isEmpty)
        harness.clock.advance(byMilliseconds: 3_600_000)
        let notices = try journal.branchNotices(outboxAgeMilliseconds: 3_600_000)
        #expect(notices.map(\.kind) == [.outboxAge])
        #expect(try journal.claimNotices(notices, resendAfterMilliseconds: 3_600_000).count == 1)
        harness.clock.advance(byMilliseconds: 60_000)
        #expect(try journal.claimNotices(notices, resendAfterMilliseconds: 3_600_000).isEmpty)
    }

    @Test func anUndeliveredNoticeIsClaimedAgainAtTheNextLook() throws {
        let notice = BranchNotice(kind: .conflicts, key: "conflicts", message: "1 open conflict")
        let claims = try journal.claimNotices([notice], resendAfterMilliseconds: 3_600_000)
        #expect(claims.count == 1)
        try journal.unclaimNotice(claims[0])
        #expect(try journal.noticeRecords().isEmpty)
        #expect(try journal.claimNotices([notice], resendAfterMilliseconds: 3_600_000).count == 1)
    }

    @Test func theRemoteGoingAndComingBackIsRecordedOnce() throws {
        let first = try journal.recordSyncTransition(stop: SyncTransition.unreachable)
        #expect(first.wentDownAt != nil)
        #expect(!first.cameBack)
        harness.clock.advance(byMilliseconds: 60_000)
        let second = try journal.recordSyncTransition(stop: SyncTransition.unreachable)
        #expect(second.wentDownAt == nil)
        #expect(second.sameStopAsBefore)
        #expect(second.unreachableSince == first.wentDownAt)
        let back = try journal.recordSyncTransition(stop: nil)
        #expect(back.cameBack)
        #expect(!(try journal.recordSyncTransition(stop: nil)).cameBack)
    }

    @Test func aPassedUploadDeadlineIsANoticeKeyedByItsRuleNotItsFigures() throws {
        _ = try journal.capture(harness.input(1), options: JournalHarness.options)
        harness.clock.advance(byDays: 45)
        let deadlines = try journal.branchNotices(outboxAgeMilliseconds: 365 * 86_400_000).filter {
            $0.kind == .deadline
        }
        #expect(deadlines.map(\.key).contains("deadline:uploadDeadline:error"))
        #expect(deadlines.allSatisfy { !$0.message.isEmpty && !$0.isEvent })
        _ = try journal.capture(harness.input(2), options: JournalHarness.options)
        harness.clock.advance(byDays: 45)
        let later = try journal.branchNotices(outboxAgeMilliseconds: 365 * 86_400_000).filter { $0.kind == .deadline }
        #expect(later.map(\.key).contains("deadline:uploadDeadline:error"))
    }
}
