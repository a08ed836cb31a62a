import FapiaoCore
import Foundation
import GRDB

/// When sync last ran, and how it ended, for `fapiao status`.
public struct SyncHistory: Hashable, Sendable {
    /// The last run that reached the remote and left nothing it could send unsent.
    public var lastSuccess: UTCTimestamp?
    public var lastAttempt: UTCTimestamp?
    /// Why the last run stopped early, if it did.
    public var lastError: String?
    /// The pull cursor: the remote's change number this branch has seen.
    public var pullCursor: Int64
}

extension Journal {
    /// Remembers how a sync run ended.
    public func recordSyncRun(succeeded: Bool, error: String?) throws {
        let now = environment.now().description
        try write(.syncRun) { db in
            func set(_ key: String, _ value: String?) throws { try Self.storeSetting(db, key, value) }
            try set("sync.lastAttempt", now)
            if succeeded { try set("sync.lastSuccess", now) }
            try set("sync.lastError", error)
        }
    }

    /// How sync last ran.
    public func syncHistory() throws -> SyncHistory {
        try read { db in
            let stored = try Dictionary(
                Row.fetchAll(db, sql: "SELECT key, value FROM setting WHERE key LIKE 'sync.%'").map {
                    (row: Row) -> (String, String) in (row["key"], row["value"])
                },
                uniquingKeysWith: { _, last in last }
            )
            return SyncHistory(
                lastSuccess: stored["sync.lastSuccess"].flatMap(UTCTimestamp.init(parsing:)),
                lastAttempt: stored["sync.lastAttempt"].flatMap(UTCTimestamp.init(parsing:)),
                lastError: stored["sync.lastError"],
                pullCursor: stored["sync.pullCursor"].flatMap { Int64($0) } ?? 0
            )
        }
    }

    /// Writes one setting row, or deletes it when `value` is `nil`.
    static func storeSetting(_ db: Database, _ key: String, _ value: String?) throws {
        if let value {
            try db.execute(
                sql:
                    "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [key, value]
            )
        } else {
            try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key])
        }
    }
}
