/// What a branch tells the centre of itself at each sync, for HQ's view of every branch
/// (`fapiao-central branches`): what it has not sent yet and since when, and what needs a person.
public struct BranchReport: Hashable, Sendable {
    /// Operations waiting in the outbox.
    public var outboxSize: Int
    /// When the oldest of them was captured.
    public var oldestPending: UTCTimestamp?
    /// Conflicts waiting for a person at the branch.
    public var openConflicts: Int
    /// Invoices the branch gave up sending until a person looks.
    public var quarantined: Int
    /// Deadlines of the branch's profile already passed (upload deadlines of invoices captured offline).
    public var overdue: Int
    /// When the branch's clock read this report (for people; it decides nothing).
    public var reportedAt: UTCTimestamp

    public init(
        outboxSize: Int = 0,
        oldestPending: UTCTimestamp? = nil,
        openConflicts: Int = 0,
        quarantined: Int = 0,
        overdue: Int = 0,
        reportedAt: UTCTimestamp
    ) {
        self.outboxSize = outboxSize
        self.oldestPending = oldestPending
        self.openConflicts = openConflicts
        self.quarantined = quarantined
        self.overdue = overdue
        self.reportedAt = reportedAt
    }

    public var canonicalJSON: CanonicalJSON {
        .object([
            "outboxSize": .integer(Int64(outboxSize)),
            "oldestPending": .optional(oldestPending?.description),
            "openConflicts": .integer(Int64(openConflicts)),
            "quarantined": .integer(Int64(quarantined)),
            "overdue": .integer(Int64(overdue)),
            "reportedAt": .string(reportedAt.description),
        ])
    }
}
