/// Audit entries a branch sends the centre to anchor, with where they start and the report.
public struct AuditShipment: Sendable {
    /// Where the entries continue from, as the branch's own chain has it: the branch's entry at
    /// the sequence of the centre's head (an empty hash when the branch has no such entry).
    public var after: ChainPosition
    /// The branch's current head (for the record of a break).
    public var head: ChainPosition
    /// Entries after `after`, in sequence order (a page: the branch may send more later).
    public var entries: [AuditEntry]
    /// The branch's state at the time of sending.
    public var report: BranchReport

    public init(after: ChainPosition, head: ChainPosition, entries: [AuditEntry], report: BranchReport) {
        self.after = after
        self.head = head
        self.entries = entries
        self.report = report
    }
}
