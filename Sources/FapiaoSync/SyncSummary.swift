import FapiaoCore
import FapiaoJournal
import Foundation

/// What a sync run did.
public struct SyncSummary: Hashable, Sendable {
    /// Distinct operations sent at least once in this run.
    public var sent = 0
    /// Push requests made, retries included.
    public var requests = 0
    public var tally = OutboxTally()
    /// Operations still waiting to be sent after the run.
    public var remaining = 0
    /// Operations held behind a quarantined or conflicting change.
    public var blocked = 0
    public var stop: SyncStop?
    /// What the pull did with changes made elsewhere.
    public var pulled = PullTally()
    /// Conflicts settled by the journal's resolver policies in this run.
    public var resolved = 0
    /// Conflicts still waiting for a person after the run.
    public var openConflicts = 0
    /// What anchoring the audit chain at the centre did.
    public var anchor = AnchorSummary()

    public init() {}

    /// `sent 1000, accepted 998, duplicates 2, conflicts 0, quarantined 0, in doubt 0`, then what
    /// the pull and the resolver did, when they did anything.
    public var line: String {
        var parts = [
            "sent \(sent)", "accepted \(tally.accepted)", "duplicates \(tally.duplicates)",
            "conflicts \(tally.conflicts)", "quarantined \(tally.quarantined)", "in doubt \(tally.inDoubt)",
        ]
        if tally.stale > 0 { parts.insert("stale \(tally.stale)", at: 3) }
        if pulled.applied > 0 { parts.append("pulled \(pulled.applied)") }
        if pulled.conflicts > 0 { parts.append("conflicts found by pull \(pulled.conflicts)") }
        if resolved > 0 { parts.append("resolved automatically \(resolved)") }
        if openConflicts > 0 { parts.append("open conflicts \(openConflicts)") }
        if remaining > 0 { parts.append("still queued \(remaining)") }
        if anchor.shipped > 0 { parts.append("audit anchored \(anchor.shipped)") }
        return parts.joined(separator: ", ")
    }
}
