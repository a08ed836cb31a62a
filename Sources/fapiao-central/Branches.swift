import ArgumentParser
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import Foundation

/// `fapiao-central branches`: HQ's view of every branch.
struct Branches: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branches",
        abstract: "Show every branch: last seen, what it has not sent, outcomes, chain state, deadlines.",
        discussion: """
            Per branch: when the centre last heard from it (a push or an audit shipment), its outbox size \
            and the age of its oldest unsent capture (as the branch reported at its last sync), invoices \
            held, rejections and the last reason, open conflicts and quarantined invoices, upload \
            deadlines already passed, and the state of its audit chain at the centre. A branch not heard \
            from for longer than --silent-after is flagged silent. Exit 1 when a branch needs HQ's \
            attention (a chain break, silent, deadlines passed), else 0.

            Examples:
              fapiao-central branches --store sqlite:/srv/fapiao/central.sqlite
              fapiao-central branches --store sqlite:central.sqlite --silent-after 2h --format json
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: ArgumentHelp("Flag a branch not heard from for this long (30m, 6h, 2d…).", valueName: "duration"))
    var silentAfter = "24h"
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        guard DurationText.parse(silentAfter) != nil else {
            throw ValidationError("--silent-after must be a duration such as 30m, 6h or 2d, not \(silentAfter).")
        }
    }

    func run() async throws {
        let overviews = try await reportingErrors {
            try await storeOptions.withStore { try await $0.branchOverviews() }
        }
        let now = UTCTimestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        let limit = DurationText.parse(silentAfter) ?? .seconds(86_400)
        let views = overviews.map { BranchView(overview: $0, now: now, silentAfter: limit) }
        switch format {
        case .json: emit(CanonicalJSON.array(views.map(\.json)).text)
        case .text:
            if views.isEmpty {
                emit("no branch has synced with this centre yet")
            } else {
                emit(table(BranchView.header, views.map(\.row)))
            }
        }
        if views.contains(where: { !$0.attention.isEmpty }) { throw ExitCode(ExitCodes.attention) }
    }
}

/// One branch as `branches` shows it.
struct BranchView {
    let overview: BranchOverview
    /// What needs HQ's attention: `chain break`, `silent`, `overdue`.
    let attention: [String]
    let now: UTCTimestamp

    init(overview: BranchOverview, now: UTCTimestamp, silentAfter: Duration) {
        self.overview = overview
        self.now = now
        self.attention = overview.attention(now: now, silentAfter: silentAfter)
    }

    static let header = [
        "BRANCH", "LAST SEEN", "OUTBOX", "OLDEST UNSENT", "INVOICES", "REJECTED", "CONFLICTS", "OVERDUE", "CHAIN",
        "ATTENTION", "LAST REJECTION",
    ]

    var row: [String] {
        let report = overview.report
        return [
            overview.branch,
            overview.lastSeen.map(age) ?? "never",
            report.map { $0.outboxSize.grouped } ?? "-",
            report?.oldestPending.map(age) ?? "-",
            Int(overview.invoices).grouped,
            Int(overview.rejected).grouped,
            report.map { String($0.openConflicts) } ?? "-",
            report.map { String($0.overdue) } ?? "-",
            overview.chain.isBroken ? "BROKEN" : "intact \(overview.anchoredEntries)",
            attention.isEmpty ? "-" : attention.joined(separator: ", "),
            overview.lastRejection.map { truncated($0.reason, width: 50) } ?? "-",
        ]
    }

    /// `3m ago`, `2h ago`, `5d ago`.
    func age(_ instant: UTCTimestamp) -> String {
        let seconds = max(0, (now.millisecondsSinceEpoch - instant.millisecondsSinceEpoch) / 1000)
        return DurationText.describe(.seconds(seconds)) + " ago"
    }

    var json: CanonicalJSON {
        let report = overview.report
        return .object([
            "branch": .string(overview.branch),
            "lastSeen": .optional(overview.lastSeen?.description),
            "lastPush": .optional(overview.lastPush?.description),
            "lastAnchor": .optional(overview.lastAnchor?.description),
            "report": report?.canonicalJSON ?? .null,
            "invoices": .integer(overview.invoices),
            "rejected": .integer(overview.rejected),
            "lastRejection": overview.lastRejection.map {
                .object(["reason": .string($0.reason), "at": .string($0.at.description)])
            } ?? .null,
            "chain": .object([
                "state": .string(overview.chain.stateName),
                "epoch": .integer(overview.chain.epoch),
                "head": overview.chain.head.canonicalJSON,
                "entries": .integer(overview.anchoredEntries),
                "break": overview.chain.unacknowledgedBreak?.canonicalJSON ?? .null,
            ]),
            "attention": .array(attention.map(CanonicalJSON.string)),
        ])
    }
}
