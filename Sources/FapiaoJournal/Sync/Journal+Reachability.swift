import FapiaoCore
import GRDB

/// How one sync run changed what the branch knows of its remote, for notices (the remote back
/// after an outage) and for `sync --cron`, which speaks only when something changes.
public struct SyncTransition: Hashable, Sendable {
    /// How the run before this one stopped (a ``SyncStop`` kind's name), or `nil` when it did not.
    public var previousStop: String?
    /// How this run stopped, or `nil`.
    public var stop: String?
    /// Since when the remote has been unreachable, as recorded before this run.
    public var unreachableSince: UTCTimestamp?
    /// When this run found the remote unreachable and it was not before.
    public var wentDownAt: UTCTimestamp?

    /// Whether this run reached a remote that had been unreachable.
    public var cameBack: Bool { unreachableSince != nil && stop != Self.unreachable }
    /// Whether this run stopped as the one before did, for the same reason.
    public var sameStopAsBefore: Bool { stop != nil && stop == previousStop }

    /// The stop kind that means the remote did not answer.
    public static let unreachable = "remoteUnavailable"
}

extension Journal {
    /// Records how a run ended and returns how it changed things (``SyncTransition``).
    ///
    /// - Parameter stop: the run's ``SyncStop`` kind name, or `nil` when it finished;
    ///   `remoteUnavailable` marks the remote down (from now, unless it was already).
    /// - Returns: what the run changed.
    /// - Throws: ``JournalError`` when the journal cannot be written.
    public func recordSyncTransition(stop: String?) throws -> SyncTransition {
        let now = environment.now()
        return try write(.syncRun) { db in
            let previousStop = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'sync.lastStop'")
            let since = try String.fetchOne(
                db,
                sql: "SELECT value FROM setting WHERE key = 'sync.unreachableSince'"
            ).flatMap(UTCTimestamp.init(parsing:))
            var transition = SyncTransition(previousStop: previousStop, stop: stop, unreachableSince: since)
            try Self.storeSetting(db, "sync.lastStop", stop)
            if stop == SyncTransition.unreachable {
                if since == nil {
                    transition.wentDownAt = now
                    try Self.storeSetting(db, "sync.unreachableSince", now.description)
                }
            } else {
                try Self.storeSetting(db, "sync.unreachableSince", nil)
            }
            return transition
        }
    }
}
