import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoNotify
import FapiaoTesting
import Foundation
import Logging
import Testing

/// HQ's alerts: each event once, again only after the interval with the count held back, a
/// failing notifier tried three times without holding up the next alert, and the branches'
/// state read into alerts (DESIGN §7).
@Suite struct AlertDispatcherTests {
    let directory: TemporaryDirectory
    let log: String

    init() throws {
        directory = try TemporaryDirectory()
        log = directory.file("alerts.jsonl")
    }

    /// A notifier program appending each alert to `log`, exiting `status`.
    func notifier(exiting status: Int = 0) throws -> AlertTarget {
        let path = directory.file("notify-\(status).sh")
        try "#!/bin/sh\ncat >>'\(log)'\nexit \(status)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o700)
        return .command([path])
    }

    func lines() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func alert(_ key: String, kind: Alert.Kind = .rejected, branch: String = "bj-01") -> Alert {
        Alert(kind: kind, branch: branch, key: key, message: "测试 \(key)", at: UTCTimestamp(millisecondsSinceEpoch: 0))
    }

    func dispatcher(_ targets: [AlertTarget], resend: Duration, clock: ManualClock? = nil) -> AlertDispatcher {
        var elapsed: (@Sendable () -> Duration)?
        if let clock {
            elapsed = { Duration.milliseconds(clock.now.millisecondsSinceEpoch) }
        }
        return AlertDispatcher(
            targets: targets,
            resendInterval: resend,
            scan: nil,
            overviews: { [] },
            retryDelays: [.milliseconds(10), .milliseconds(10)],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            now: { UTCTimestamp(millisecondsSinceEpoch: 0) },
            elapsed: elapsed
        )
    }

    /// Waits until `count` alerts were written (the dispatcher delivers in its own task).
    func waitFor(_ count: Int) async throws {
        for _ in 0..<500 where lines().count < count { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func anEventIsSentOnceThenAgainAfterTheIntervalWithTheCountHeldBack() async throws {
        let clock = ManualClock()
        let alerts = dispatcher([try notifier()], resend: .seconds(3_600), clock: clock)
        let running = Task { try await alerts.run() }
        alerts.offer(alert("rejected:bj-01"))
        alerts.offer(alert("rejected:bj-01"))
        alerts.offer(alert("rejected:bj-01"))
        alerts.offer(alert("conflict:bj-01", kind: .conflict))
        try await waitFor(2)
        clock.advance(byMilliseconds: 3_601_000)
        alerts.offer(alert("rejected:bj-01"))
        alerts.finish()
        try await running.value
        let sent = lines()
        #expect(sent.map { $0["kind"] as? String } == ["rejected", "conflict", "rejected"])
        #expect(sent.map { $0["suppressedSinceLast"] as? Int } == [0, 0, 2])
        #expect(sent.first?["message"] as? String == "测试 rejected:bj-01")
    }

    @Test func aFailingNotifierIsTriedThreeTimesAndTheNextAlertStillGoes() async throws {
        let alerts = dispatcher([try notifier(exiting: 1)], resend: .seconds(3_600))
        let running = Task { try await alerts.run() }
        alerts.offer(alert("a"))
        alerts.offer(alert("b"))
        alerts.finish()
        try await running.value
        #expect(
            lines().map { $0["message"] as? String } == Array(repeating: "测试 a", count: 3)
                + Array(repeating: "测试 b", count: 3)
        )
    }

    @Test func theBranchesStateBecomesAlerts() {
        let now = UTCTimestamp(millisecondsSinceEpoch: 1_764_000_000_000)
        let found = ChainBreak(detectedAt: now, anchored: .origin, branchHead: .origin, reason: "replaced")
        let branches = [
            BranchOverview(
                branch: "quiet",
                lastPush: UTCTimestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 7_200_000)
            ),
            BranchOverview(branch: "fresh", lastPush: now, report: BranchReport(overdue: 3, reportedAt: now)),
            BranchOverview(branch: "broken", lastAnchor: now, chain: AnchorState(epoch: 2, unacknowledgedBreak: found)),
        ]
        let alerts = AlertDispatcher.alerts(for: branches, now: now, silentAfter: .seconds(3_600))
        #expect(alerts.map(\.key) == ["silent:quiet", "overdue:fresh", "chain-break:broken:2"])
        #expect(alerts[1].message.contains("3 invoice(s) past their upload deadline"))
    }

    @Test(arguments: ["/usr/bin/notify", "exec:notify", "ftp://hq.example/x", "https://user:pw@hq.example/hook"])
    func aNotifierThatCannotBeUsedIsRefused(text: String) {
        #expect(throws: AlertTargetError.self) { try AlertTarget(parsing: text) }
    }

    @Test func exactCommandsAndURLsAreRead() throws {
        #expect(
            try AlertTarget(parsing: "exec:/usr/local/bin/page-hq --urgent")
                == .command(["/usr/local/bin/page-hq", "--urgent"])
        )
        #expect(try AlertTarget(parsing: "https://chat.hq.example/hook") == .webhook("https://chat.hq.example/hook"))
    }
}
