import FapiaoCore
import FapiaoJournal
import Foundation

/// Progress of a running sync, for a terminal.
public struct SyncProgress: Hashable, Sendable {
    /// Operations answered so far.
    public var answered: Int
    /// Operations that were waiting when the run started.
    public var total: Int
    /// When the run is waiting before a retry, how long and why.
    public var waiting: (Duration, String)?

    public static func == (lhs: SyncProgress, rhs: SyncProgress) -> Bool {
        lhs.answered == rhs.answered && lhs.total == rhs.total && lhs.waiting?.0 == rhs.waiting?.0
            && lhs.waiting?.1 == rhs.waiting?.1
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(answered)
        hasher.combine(total)
    }
}
