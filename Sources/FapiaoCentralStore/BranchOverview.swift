import FapiaoCore

/// What the centre knows of one branch: HQ's view of it (`fapiao-central branches`, the web
/// console, `/metrics`).
public struct BranchOverview: Hashable, Sendable {
    public var branch: String
    /// When the branch last pushed a batch.
    public var lastPush: UTCTimestamp?
    /// When the branch last shipped its audit (every sync that reaches the centre does).
    public var lastAnchor: UTCTimestamp?
    /// The last report the branch sent of itself.
    public var report: BranchReport?
    /// Invoices of the branch the centre holds.
    public var invoices: Int64
    /// Operations of the branch the centre answered `rejected`.
    public var rejected: Int64
    /// The reason of the last rejection, and when.
    public var lastRejection: (reason: String, at: UTCTimestamp)?
    /// The branch's chain at the centre.
    public var chain: AnchorState
    /// Entries of the current chain the centre holds: its head's sequence, since a chain is
    /// anchored from its first entry without gaps.
    public var anchoredEntries: Int64

    public init(
        branch: String,
        lastPush: UTCTimestamp? = nil,
        lastAnchor: UTCTimestamp? = nil,
        report: BranchReport? = nil,
        invoices: Int64 = 0,
        rejected: Int64 = 0,
        lastRejection: (reason: String, at: UTCTimestamp)? = nil,
        chain: AnchorState = AnchorState(),
        anchoredEntries: Int64 = 0
    ) {
        self.branch = branch
        self.lastPush = lastPush
        self.lastAnchor = lastAnchor
        self.report = report
        self.invoices = invoices
        self.rejected = rejected
        self.lastRejection = lastRejection
        self.chain = chain
        self.anchoredEntries = anchoredEntries
    }

    /// When the centre last heard from the branch.
    public var lastSeen: UTCTimestamp? {
        switch (lastPush, lastAnchor) {
        case (let push?, let anchor?): max(push, anchor)
        case (let push?, nil): push
        case (nil, let anchor?): anchor
        case (nil, nil): nil
        }
    }

    /// What needs HQ's attention at `now`: `chain break`, `silent` (not heard from for longer
    /// than `silentAfter`), `overdue` (upload deadlines passed, as the branch reported).
    public func attention(now: UTCTimestamp, silentAfter: Duration) -> [String] {
        var attention: [String] = []
        if chain.isBroken { attention.append("chain break") }
        if let seen = lastSeen,
            now.millisecondsSinceEpoch - seen.millisecondsSinceEpoch > silentAfter.components.seconds * 1000
        {
            attention.append("silent")
        }
        if (report?.overdue ?? 0) > 0 { attention.append("overdue") }
        return attention
    }

    public static func == (lhs: BranchOverview, rhs: BranchOverview) -> Bool {
        lhs.branch == rhs.branch && lhs.lastPush == rhs.lastPush && lhs.lastAnchor == rhs.lastAnchor
            && lhs.report == rhs.report && lhs.invoices == rhs.invoices && lhs.rejected == rhs.rejected
            && lhs.lastRejection?.reason == rhs.lastRejection?.reason && lhs.lastRejection?.at == rhs.lastRejection?.at
            && lhs.chain == rhs.chain && lhs.anchoredEntries == rhs.anchoredEntries
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(branch)
        hasher.combine(lastPush)
        hasher.combine(chain)
    }
}
