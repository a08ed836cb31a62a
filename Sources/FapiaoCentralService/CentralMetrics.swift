import FapiaoCentralStore
import FapiaoCore
import Foundation
import Metrics
import Prometheus

/// What the centre measures, through swift-metrics into its own Prometheus registry, for
/// `GET /metrics` (HQ's token): pushes and their outcomes per branch, push latency, store
/// errors, chain breaks found, and per branch, read from the store at each scrape, when it was
/// last seen, what it has not sent, deadlines passed and the state of its chain.
///
/// Each service has a registry of its own (not the process-wide `MetricsSystem`), so several
/// services in one process (tests, the demo) count apart.
public struct CentralMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Pushes take milliseconds to seconds: buckets from 5 ms to 30 s.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
            .seconds(30),
        ]
        self.factory = factory
    }

    /// Every metric in the Prometheus text format.
    public func text() -> [UInt8] { registry.emitToBuffer() }

    /// One push from `branch` answered with `outcomes` after `elapsed`.
    func recordPush(branch: String, outcomes: [OperationOutcome], elapsed: Duration) {
        Counter(label: "fapiao_pushes_total", dimensions: [("branch", branch)], factory: factory).increment()
        var counts: [String: Int64] = [:]
        for outcome in outcomes { counts[outcome.outcome.name, default: 0] += 1 }
        for (name, count) in counts {
            Counter(
                label: "fapiao_push_outcomes_total",
                dimensions: [("branch", branch), ("outcome", name)],
                factory: factory
            ).increment(by: count)
        }
        Metrics.Timer(label: "fapiao_push_duration_seconds", factory: factory).record(duration: elapsed)
    }

    /// A store call for `action` that failed with `code`.
    func recordStoreError(action: String, code: String) {
        Counter(label: "fapiao_store_errors_total", dimensions: [("action", action), ("code", code)], factory: factory)
            .increment()
    }

    /// A chain break the centre found in `branch`'s shipment.
    func recordChainBreak(branch: String) {
        Counter(label: "fapiao_chain_breaks_total", dimensions: [("branch", branch)], factory: factory).increment()
    }

    /// Sets the per-branch gauges from the store's view of the branches, as of `now`.
    func record(_ overviews: [BranchOverview], now: UTCTimestamp) {
        for overview in overviews {
            let branch = [("branch", overview.branch)]
            func gauge(_ label: String, _ value: Double) {
                Gauge(label: label, dimensions: branch, factory: factory).record(value)
            }
            if let seen = overview.lastSeen {
                gauge("fapiao_branch_last_seen_timestamp_seconds", Double(seen.millisecondsSinceEpoch) / 1000)
                gauge(
                    "fapiao_branch_silent_seconds",
                    Double(max(0, now.millisecondsSinceEpoch - seen.millisecondsSinceEpoch)) / 1000
                )
            }
            gauge("fapiao_branch_chain_broken", overview.chain.isBroken ? 1 : 0)
            gauge("fapiao_branch_anchored_entries", Double(overview.anchoredEntries))
            gauge("fapiao_branch_invoices", Double(overview.invoices))
            gauge("fapiao_branch_rejected", Double(overview.rejected))
            if let report = overview.report {
                gauge("fapiao_branch_outbox_operations", Double(report.outboxSize))
                gauge("fapiao_branch_open_conflicts", Double(report.openConflicts))
                gauge("fapiao_branch_overdue_invoices", Double(report.overdue))
                if let oldest = report.oldestPending {
                    gauge(
                        "fapiao_branch_oldest_unsent_seconds",
                        Double(max(0, now.millisecondsSinceEpoch - oldest.millisecondsSinceEpoch)) / 1000
                    )
                }
            }
        }
    }
}
