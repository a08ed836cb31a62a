import FapiaoCore
import Testing

/// The rule for when a branch's notice goes out: once when a reason appears, again only after
/// the interval while it lasts, new again after it went; an event once.
@Suite struct NoticeScheduleTests {
    static let hour: Int64 = 3_600_000
    let outbox = BranchNotice(kind: .outboxAge, key: "outbox-age", message: "the outbox waits")
    let conflicts = BranchNotice(kind: .conflicts, key: "conflicts", message: "1 open conflict")

    func at(_ minutes: Int64) -> UTCTimestamp {
        UTCTimestamp(millisecondsSinceEpoch: 1_800_000_000_000 + minutes * 60_000)
    }

    /// Runs the rule over looks at the given minutes, each with the reasons present; returns what was sent when.
    func run(_ looks: [(Int64, [BranchNotice])]) -> [(Int64, String, Int)] {
        var sent: [String: NoticeRecord] = [:]
        var log: [(Int64, String, Int)] = []
        for (minute, present) in looks {
            let decision = NoticeSchedule.decide(
                present: present,
                sent: sent,
                now: at(minute),
                resendAfterMilliseconds: Self.hour
            )
            for key in decision.forget { sent[key] = nil }
            for due in decision.send {
                sent[due.record.key] = due.record
                log.append((minute, due.notice.key, due.record.times))
            }
        }
        return log
    }

    @Test func aLastingReasonIsSentOnceThenAfterEachInterval() {
        let looks = stride(from: Int64(0), through: 150, by: 1).map { ($0, [outbox]) }
        let log = run(looks)
        #expect(log.map(\.0) == [0, 60, 120])
        #expect(log.map(\.2) == [1, 2, 3])
    }

    @Test func aReasonThatGoesAndComesBackIsNewAgain() {
        let log = run([(0, [outbox]), (5, []), (10, [outbox]), (20, [outbox])])
        #expect(log.map(\.0) == [0, 10])
        #expect(log.map(\.2) == [1, 1])
    }

    @Test func reasonsAreScheduledEachOnItsOwn() {
        let log = run([
            (0, [outbox]), (30, [outbox, conflicts]), (61, [outbox, conflicts]), (91, [outbox, conflicts]),
        ])
        #expect(log.map { "\($0.0) \($0.1)" } == ["0 outbox-age", "30 conflicts", "61 outbox-age", "91 conflicts"])
    }

    @Test func anEventIsSentOnceEvenIfReportedAgain() {
        let back = BranchNotice(kind: .remoteBack, key: "remote-back:x", message: "back", isEvent: true)
        let log = run([(0, [back]), (90, [back]), (200, [back])])
        #expect(log.count == 1)
    }

    @Test func theSameKeyTwiceInOneLookIsSentOnce() {
        let log = run([(0, [outbox, outbox])])
        #expect(log.count == 1)
    }
}
