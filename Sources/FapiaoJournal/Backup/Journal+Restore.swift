import FapiaoCore
import FapiaoSQLiteFiles
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Journal {
    /// Puts a backup in place as the journal at `path` (`fapiao restore`).
    ///
    /// The backup is checked first, on a copy made beside `path` with the online backup API:
    /// a Fapiao journal by its header, then SQLite's integrity check and the audit chain as
    /// `fapiao audit verify` checks them. A backup that fails, or one of another branch, is
    /// refused and nothing is changed. While a sync holds the journal's lease the restore is
    /// refused too; otherwise it takes the lease itself, folds the journal's write-ahead log
    /// into its file, and moves the journal aside to `PATH.replaced-TIMESTAMP` (its `-wal` and
    /// `-shm` with it: a log left at `path` would be replayed into the restored file). The
    /// replaced journal is never deleted. The checked copy is then put in place atomically,
    /// mode 0600, and the directory flushed.
    ///
    /// The backup itself is only read. What the centre holds beyond the backup is for the caller
    /// to find out with the remote (see `RestoreReconciler` in FapiaoSync).
    ///
    /// - Parameters:
    ///   - backup: the backup file.
    ///   - path: the journal's path; it may hold a journal (moved aside) or nothing.
    ///   - owner: who takes the sync lease while the journal is replaced.
    ///   - environment: clock, ids and logger.
    /// - Returns: what was restored and where the replaced journal is kept.
    /// - Throws: ``JournalError`` (`.leaseHeld` while a sync runs, `.notAJournal` for a file
    ///   that is not a journal), ``SQLiteBackupError`` (`.damaged` for a backup that fails its check).
    public static func restore(
        from backup: String,
        at path: String,
        owner: String,
        environment: JournalEnvironment = .system()
    ) throws -> JournalRestoreReceipt {
        try refuseUnusableBackup(backup, journalPath: path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try SQLiteBackup.makeDirectory(directory)
        SQLiteBackup.removeStrayTemporaries(in: directory)
        let temporary = SQLiteBackup.temporaryPath(for: path)
        SQLiteBackup.remove(temporary)
        let restored = try removingOnFailure(temporary) {
            try copyAndCheck(backup, into: temporary)
        }
        try removingOnFailure(temporary) {
            try prepareReplacement(
                of: path,
                node: restored.node,
                backup: backup,
                owner: owner,
                environment: environment
            )
        }
        let aside = path + ".replaced-" + JournalBackupNaming.stamp(environment.now())
        let kept = try removingOnFailure(temporary) {
            let kept = try moveAside(path, to: aside)
            try SQLiteBackup.publish(temporary, as: path)
            return kept
        }
        let head = ChainPosition(sequence: Int64(restored.auditEntries), hash: restored.head)
        return JournalRestoreReceipt(
            path: path,
            backup: backup,
            node: restored.node,
            invoices: restored.invoices,
            auditEntries: restored.auditEntries,
            head: head,
            replacedKeptAt: kept
        )
    }

    /// Copies the backup to `temporary` and checks the copy; a backup SQLite cannot read is damaged.
    private static func copyAndCheck(_ backup: String, into temporary: String) throws -> JournalBackupReceipt {
        do {
            try copyForBackup(from: backup, to: temporary)
            let checked = try checkedCopy(temporary)
            if let problem = checked.problem {
                throw SQLiteBackupError(
                    .damaged,
                    "The backup \(backup) fails its check (\(problem)); nothing was changed."
                )
            }
            try useWriteAheadLog(temporary)
            return checked.receipt
        } catch let error as DatabaseError {
            throw SQLiteBackupError(
                .damaged,
                "The backup \(backup) cannot be read (\(error.resultCode)); nothing was changed.",
                cause: error
            )
        }
    }

    /// Refuses a backup that is missing, not a journal, or the journal itself, from its header alone.
    private static func refuseUnusableBackup(_ backup: String, journalPath: String) throws {
        if let refused = refusal(backup) {
            guard refused.code == .notFound else { throw refused }
            throw JournalError(code: .notFound, message: "No backup at \(backup); name a file `fapiao backup` wrote.")
        }
        var backupStatus = stat()
        var journalStatus = stat()
        if stat(backup, &backupStatus) == 0, stat(journalPath, &journalStatus) == 0,
            backupStatus.st_dev == journalStatus.st_dev, backupStatus.st_ino == journalStatus.st_ino
        {
            throw JournalError(
                code: .invalidSetting,
                message: "\(backup) is the journal itself, not a backup of it; name a file `fapiao backup` wrote."
            )
        }
    }

    /// Switches the checked copy to WAL mode, as the journal's files are, before it is put in place.
    private static func useWriteAheadLog(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            _ = try db.checkpoint(.truncate)
        }
        try queue.close()
        try SQLiteBackup.syncFile(path)
    }

    /// Checks the journal at `path`, if one opens, before it is replaced: same branch, no sync
    /// running (the restore takes the lease itself), and its log folded into its file.
    ///
    /// A journal that is damaged is replaced as it is (that is what a restore is for); a file
    /// that is not a journal, or one from a newer Fapiao, is not this command's to move.
    private static func prepareReplacement(
        of path: String,
        node: String,
        backup: String,
        owner: String,
        environment: JournalEnvironment
    ) throws {
        guard exists(path) else { return }
        if let error = refusal(path),
            error.code == .notAJournal || error.code == .newerVersion
        {
            throw JournalError(
                code: error.code,
                message: "\(path) is not a journal this fapiao may replace (\(error.code)); restore changed nothing, "
                    + "point --journal at the branch's journal."
            )
        }
        guard let current = try? Journal.open(at: path, environment: environment) else { return }
        defer { try? current.close() }
        guard current.settings.node == node else {
            throw JournalError(
                code: .invalidSetting,
                message: "The backup is of branch \(node), but the journal at \(path) is branch "
                    + "\(current.settings.node); nothing was changed."
            )
        }
        do {
            _ = try current.acquireSyncLease(owner: owner, duration: .seconds(120))
        } catch let error as JournalError where error.code == .leaseHeld || error.code == .busy {
            throw JournalError(
                code: error.code,
                message: "A sync is running on \(path) (it holds the journal's lease or its write lock); "
                    + "let it finish or stop it, then restore again; nothing was changed.",
                cause: error
            )
        } catch {
            return
        }
        try? current.checkpointTruncating()
    }

    /// Whether a file (or a link) is at `path`.
    private static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Why `JournalFile.inspect` refuses the file at `path`.
    private static func refusal(_ path: String) -> JournalError? {
        do {
            _ = try JournalFile.inspect(path: path)
            return nil
        } catch {
            return error
        }
    }

    /// Renames the journal at `path` and its `-wal` and `-shm` to `aside`; returns `aside`, or
    /// `nil` when there was nothing at `path`.
    private static func moveAside(_ path: String, to aside: String) throws -> String? {
        let suffixes = ["", "-wal", "-shm"]
        let present = suffixes.filter { exists(path + $0) }
        guard !present.isEmpty else { return nil }
        for suffix in suffixes where exists(aside + suffix) {
            throw SQLiteBackupError(
                .alreadyExists,
                "A file already exists at \(aside + suffix); try again in a second."
            )
        }
        for suffix in present where rename(path + suffix, aside + suffix) != 0 {
            throw SQLiteBackupError(
                .ioError,
                "Cannot move \(path + suffix) aside to \(aside + suffix) (\(String(cString: strerror(errno)))); "
                    + "the backup was not put in place."
            )
        }
        // The seal describes the file moved aside, not the one put in place.
        SQLiteFileSeal.remove(forDatabase: path)
        SQLiteBackup.syncDirectory(of: path)
        return aside
    }
}
