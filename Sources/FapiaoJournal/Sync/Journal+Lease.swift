import FapiaoCore
import Foundation
import GRDB

/// The right to push from this journal, held by one sync job at a time (DESIGN §5).
///
/// The epoch increases with every acquisition; each outcome a sync job writes is checked
/// against the lease it holds, so a job whose lease was taken over cannot write stale outcomes.
public struct SyncLease: Hashable, Sendable {
    /// Who holds it: `HOST/PID/NONCE`.
    public var owner: String
    public var epoch: Int64
    public var expiresAt: UTCTimestamp
}

extension Journal {
    /// Takes the sync lease for `duration`, or throws ``JournalError`` `.leaseHeld` naming the holder.
    public func acquireSyncLease(
        owner: String,
        duration: Duration,
        isAlive: (String) -> Bool = LeaseOwner.isAlive
    ) throws -> SyncLease {
        let now = environment.now()
        let expiresAt = now.adding(duration)
        return try write(.leaseAcquire) { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT owner, expires_at, epoch FROM sync_lease WHERE id = 1")
            else {
                throw JournalError(
                    code: .damaged,
                    message: "The journal has no sync lease row; restore the journal with `fapiao restore BACKUP`."
                )
            }
            if let holder: String = row["owner"], holder != owner,
                let expiresText: String = row["expires_at"], let expires = UTCTimestamp(parsing: expiresText),
                expires > now, isAlive(holder)
            {
                throw JournalError(
                    code: .leaseHeld,
                    message:
                        "Another sync (\(holder)) holds this journal's lease until \(expires); it is pushing now, try again later."
                )
            }
            let epoch = (row["epoch"] as Int64) + 1
            try db.execute(
                sql: "UPDATE sync_lease SET owner = ?, expires_at = ?, epoch = ? WHERE id = 1",
                arguments: [owner, expiresAt.description, epoch]
            )
            return SyncLease(owner: owner, epoch: epoch, expiresAt: expiresAt)
        }
    }

    /// Extends a held lease; throws `.leaseLost` when another job took it over.
    public func renewSyncLease(_ lease: SyncLease, duration: Duration) throws -> SyncLease {
        let expiresAt = environment.now().adding(duration)
        return try write(.leaseRenew) { db in
            try checkLease(db, lease)
            try db.execute(
                sql: "UPDATE sync_lease SET expires_at = ? WHERE id = 1",
                arguments: [expiresAt.description]
            )
            return SyncLease(owner: lease.owner, epoch: lease.epoch, expiresAt: expiresAt)
        }
    }

    /// Renews `lease` when less than half of `duration` is left, on the journal's clock.
    public func keepSyncLease(_ lease: SyncLease, duration: Duration) throws -> SyncLease {
        let left = lease.expiresAt.millisecondsSinceEpoch - environment.now().millisecondsSinceEpoch
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return left < total / 2 ? try renewSyncLease(lease, duration: duration) : lease
    }

    /// Gives the lease back; does nothing when it was already taken over.
    public func releaseSyncLease(_ lease: SyncLease) throws {
        try write(.leaseRelease) { db in
            try db.execute(
                sql: "UPDATE sync_lease SET owner = NULL, expires_at = NULL WHERE id = 1 AND owner = ? AND epoch = ?",
                arguments: [lease.owner, lease.epoch]
            )
        }
    }

    /// Who holds the lease now, if anyone holds an unexpired one.
    public func syncLeaseHolder() throws -> (owner: String, expiresAt: UTCTimestamp)? {
        let now = environment.now()
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT owner, expires_at FROM sync_lease WHERE id = 1"),
                let owner: String = row["owner"], let text: String = row["expires_at"],
                let expires = UTCTimestamp(parsing: text), expires > now
            else { return nil }
            return (owner, expires)
        }
    }

    /// Fencing: throws `.leaseLost` unless `lease` is still the current one.
    func checkLease(_ db: Database, _ lease: SyncLease) throws {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT owner, epoch FROM sync_lease WHERE id = 1"))
        guard let row, row["owner"] as String? == lease.owner, row["epoch"] as Int64 == lease.epoch else {
            throw JournalError(
                code: .leaseLost,
                message: "This sync's lease was taken over by another sync job; stopping without writing more outcomes."
            )
        }
    }
}

extension UTCTimestamp {
    /// This instant plus `duration`, to the millisecond.
    public func adding(_ duration: Duration) -> UTCTimestamp {
        let (seconds, attoseconds) = duration.components
        return UTCTimestamp(
            millisecondsSinceEpoch: millisecondsSinceEpoch + seconds * 1000 + attoseconds / 1_000_000_000_000_000
        )
    }
}
