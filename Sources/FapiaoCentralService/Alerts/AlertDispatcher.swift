import FapiaoCentralStore
import FapiaoCore
import FapiaoNotify
import Foundation
import Logging
import ServiceLifecycle

/// Sends alerts to HQ's notifiers without ever holding up a request (DESIGN §7).
///
/// Requests only ``offer(_:)`` an alert (a bounded buffer; the oldest are dropped past it);
/// one task delivers them in order. An alert whose key was sent less than ``resendInterval``
/// ago is counted, not sent, and the count goes with the next one sent: each event once, never
/// a storm. A failing notifier is logged and tried again (three attempts), and the next alert
/// goes on. Every ``Scan/interval`` it also reads the branches from the store and raises what
/// only time reveals: a branch silent past ``Scan/silentAfter``, deadlines passed, a chain
/// break still unacknowledged (each again only after the re-send interval).
public final class AlertDispatcher: Service, Sendable {
    /// The periodic look at every branch.
    public struct Scan: Sendable {
        public var interval: Duration
        public var silentAfter: Duration
        public init(interval: Duration = .seconds(60), silentAfter: Duration = .seconds(86_400)) {
            self.interval = interval
            self.silentAfter = silentAfter
        }
    }

    public let targets: [AlertTarget]
    public let resendInterval: Duration
    let scan: Scan?
    let overviews: @Sendable () async throws -> [BranchOverview]
    let logger: Logger
    let now: @Sendable () -> UTCTimestamp
    /// A monotonic reading for the re-send interval (ContinuousClock's, or a test's own).
    let elapsed: @Sendable () -> Duration
    let attempts: [Duration]
    private let stream: AsyncStream<Alert>
    private let continuation: AsyncStream<Alert>.Continuation

    /// Creates a dispatcher; nothing is sent until ``run()``.
    ///
    /// - Parameters:
    ///   - targets: the notifiers, each sent every alert.
    ///   - resendInterval: how long an alert's key stays quiet after it was sent.
    ///   - scan: the periodic look at the branches, or `nil` for none.
    ///   - overviews: the branches as the store has them (``CentralStore/branchOverviews()``).
    ///   - retryDelays: the waits before the second and later attempts of a delivery.
    ///   - logger: where deliveries and failures are logged.
    ///   - now: the wall clock stamped on the alerts the scan raises.
    ///   - elapsed: a monotonic reading for the re-send interval; ContinuousClock's by default.
    public init(
        targets: [AlertTarget],
        resendInterval: Duration = .seconds(3_600),
        scan: Scan? = Scan(),
        overviews: @escaping @Sendable () async throws -> [BranchOverview],
        retryDelays: [Duration] = [.seconds(1), .seconds(5)],
        logger: Logger,
        now: @escaping @Sendable () -> UTCTimestamp,
        elapsed: (@Sendable () -> Duration)? = nil
    ) {
        let origin = ContinuousClock.now
        self.elapsed = elapsed ?? { ContinuousClock.now - origin }
        self.targets = targets
        self.resendInterval = resendInterval
        self.scan = scan
        self.overviews = overviews
        self.logger = logger
        self.now = now
        self.attempts = [.zero] + retryDelays
        (stream, continuation) = AsyncStream.makeStream(of: Alert.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Queues `alert` for delivery; returns at once.
    public func offer(_ alert: Alert) {
        guard !targets.isEmpty else { return }
        continuation.yield(alert)
    }

    /// Delivers alerts (and scans the branches) until the service group shuts down.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            if let scan {
                group.addTask { [self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: scan.interval)
                        guard !Task.isCancelled else { return }
                        await scanBranches(scan)
                    }
                }
            }
            // On graceful shutdown no alert is taken any more; those already offered still go.
            await withGracefulShutdownHandler {
                var sent: [String: (at: Duration, suppressed: Int)] = [:]
                for await alert in stream {
                    let instant = elapsed()
                    if let last = sent[alert.key], instant - last.at < resendInterval {
                        sent[alert.key]?.suppressed += 1
                        continue
                    }
                    let suppressed = sent[alert.key]?.suppressed ?? 0
                    sent[alert.key] = (instant, 0)
                    await deliver(alert, suppressed: suppressed)
                }
            } onGracefulShutdown: {
                self.continuation.finish()
            }
            group.cancelAll()
        }
    }

    /// Ends delivery after the alerts already offered (tests; the service group ends it otherwise).
    public func finish() { continuation.finish() }

    func scanBranches(_ scan: Scan) async {
        let branches: [BranchOverview]
        do {
            branches = try await overviews()
        } catch {
            logger.warning("alerts: could not read the branches", metadata: ["error": "\(error)"])
            return
        }
        let instant = now()
        for alert in Self.alerts(for: branches, now: instant, silentAfter: scan.silentAfter) { offer(alert) }
    }

    /// What the branches' state calls for: silent, overdue, a chain still broken.
    public static func alerts(for branches: [BranchOverview], now: UTCTimestamp, silentAfter: Duration) -> [Alert] {
        var alerts: [Alert] = []
        let silentMilliseconds = silentAfter.components.seconds * 1000
        for branch in branches {
            if let seen = branch.lastSeen, now.millisecondsSinceEpoch - seen.millisecondsSinceEpoch > silentMilliseconds
            {
                alerts.append(
                    Alert(
                        kind: .silent,
                        branch: branch.branch,
                        key: "silent:\(branch.branch)",
                        message: "\(branch.branch) has not been heard from since \(seen).",
                        details: ["lastSeen": .string(seen.description)],
                        at: now
                    )
                )
            }
            if let overdue = branch.report?.overdue, overdue > 0 {
                alerts.append(
                    Alert(
                        kind: .overdue,
                        branch: branch.branch,
                        key: "overdue:\(branch.branch)",
                        message: "\(branch.branch) reports \(overdue) invoice(s) past their upload deadline.",
                        details: ["overdue": .integer(Int64(overdue))],
                        at: now
                    )
                )
            }
            if let found = branch.chain.unacknowledgedBreak {
                alerts.append(chainBreak(found, branch: branch.branch, epoch: branch.chain.epoch, at: now))
            }
        }
        return alerts
    }

    /// The alert for a chain break of `branch` in chain `epoch`.
    public static func chainBreak(_ found: ChainBreak, branch: String, epoch: Int64, at: UTCTimestamp) -> Alert {
        Alert(
            kind: .chainBreak,
            branch: branch,
            key: "chain-break:\(branch):\(epoch)",
            message: found.sentence(branch: branch),
            details: ["break": found.canonicalJSON, "epoch": .integer(epoch)],
            at: at
        )
    }

    private func deliver(_ alert: Alert, suppressed: Int) async {
        let bytes = alert.document(suppressed: suppressed).bytes + [0x0A]
        for target in targets {
            var failure = ""
            for (attempt, delay) in attempts.enumerated() {
                if delay > .zero { try? await Task.sleep(for: delay) }
                failure = await send(bytes, alert: alert, to: target)
                if failure.isEmpty {
                    logger.info(
                        "alert sent",
                        metadata: ["kind": "\(alert.kind.rawValue)", "branch": "\(alert.branch)", "to": "\(target)"]
                    )
                    break
                }
                logger.warning(
                    "alert not delivered",
                    metadata: ["to": "\(target)", "attempt": "\(attempt + 1)", "reason": "\(failure)"]
                )
            }
            if !failure.isEmpty {
                logger.error(
                    "alert given up",
                    metadata: ["kind": "\(alert.kind.rawValue)", "branch": "\(alert.branch)", "to": "\(target)"]
                )
            }
        }
    }

    /// Sends `bytes` to `target`; returns why it failed, or "" when it was delivered.
    private func send(_ bytes: [UInt8], alert: Alert, to target: AlertTarget) async -> String {
        await NotificationDelivery.send(
            bytes,
            to: target,
            environment: ["FAPIAO_ALERT_KIND": alert.kind.rawValue, "FAPIAO_ALERT_BRANCH": alert.branch]
        )
    }
}
