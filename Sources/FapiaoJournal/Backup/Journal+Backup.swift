import FapiaoCore
import FapiaoSQLiteFiles
import Foundation
import GRDB

extension Journal {
    /// Copies the journal into a checked backup file (`fapiao backup`).
    ///
    /// The copy is made through SQLite's online backup API from one read transaction, a few
    /// pages a step, so captures and `sync --watch` go on meanwhile and the copy is the journal
    /// as it was at one instant. It is written under a temporary name beside `destination`
    /// (mode 0600, its directory 0700 when created), flushed, opened read-only as a journal and
    /// checked like `fapiao audit verify` (SQLite's integrity check, the audit chain, every
    /// operation and invoice), and only then put in place at `destination` and the directory
    /// flushed. A process killed part-way leaves no file at `destination`.
    ///
    /// Taking a backup writes nothing to the journal, not even an audit entry: an entry written
    /// after the copy would leave every backup one entry behind its journal from the start, and
    /// one written before would record a backup that may yet fail; a backup also has to work on
    /// a journal whose disk is full. The backup file and its summary are the record.
    ///
    /// - Parameters:
    ///   - destination: the backup's path (see ``JournalBackupNaming``); no file may be there.
    ///   - keep: when given, all but the `keep` newest backups of this journal in the
    ///     destination's directory are deleted afterwards.
    ///   - pagesPerStep: database pages copied per step.
    ///   - progress: called after every step.
    /// - Returns: what was written.
    /// - Throws: ``SQLiteBackupError`` (`.alreadyExists` when a file is at `destination`,
    ///   `.damaged` when the copy fails its check), ``JournalError``.
    public func backup(
        to destination: String,
        keep: Int? = nil,
        pagesPerStep: Int32 = SQLiteBackup.defaultPagesPerStep,
        progress: (SQLiteBackup.Progress) -> Void = { _ in }
    ) throws -> JournalBackupReceipt {
        if let keep, keep < 1 {
            throw SQLiteBackupError(.usage, "--keep must be at least 1 (the backup just taken is one of them).")
        }
        let directory = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        try SQLiteBackup.makeDirectory(directory)
        var status = stat()
        if lstat(destination, &status) == 0 { throw SQLiteBackup.alreadyExists(destination) }
        let stray = SQLiteBackup.removeStrayTemporaries(in: directory)
        let temporary = SQLiteBackup.temporaryPath(for: destination)
        SQLiteBackup.remove(temporary)
        var receipt = try Self.removingOnFailure(temporary) {
            try Self.copyForBackup(from: path, to: temporary, pagesPerStep: pagesPerStep, progress: progress)
            let checked = try Self.checkedCopy(temporary)
            if let problem = checked.problem {
                throw SQLiteBackupError(
                    .damaged,
                    "The copy of \(path) fails its check (\(problem)); no backup was written. "
                        + "Run `fapiao audit verify` on the journal."
                )
            }
            try SQLiteBackup.publish(temporary, as: destination)
            return checked.receipt
        }
        receipt.path = destination
        receipt.strayRemoved = stray
        if let keep {
            receipt.rotated = JournalBackupNaming.rotate(directory: directory, journalPath: path, keep: keep)
        }
        return receipt
    }

    /// The journal at `path`, or `nil` when it is damaged or not a journal.
    static func openUnlessDamaged(_ path: String, environment: JournalEnvironment = .system()) throws -> Journal? {
        do {
            return try Journal.open(at: path, environment: environment)
        } catch let error as JournalError where error.code == .damaged || error.code == .notAJournal {
            return nil
        }
    }

    /// Where `fapiao backup PATH` writes now: see ``JournalBackupNaming/destination(argument:journalPath:at:)``.
    public func backupDestination(argument: String?) -> String {
        JournalBackupNaming.destination(argument: argument, journalPath: path, at: environment.now())
    }

    /// Runs `body`; when it throws, removes the copy at `temporary` and maps storage errors.
    static func removingOnFailure<T>(_ temporary: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            SQLiteBackup.remove(temporary)
            throw mapped(error, path: temporary)
        }
    }

    /// Copies a journal with the online backup API; the copy holds no sync lease, since a lease
    /// names a process working on the original.
    static func copyForBackup(
        from source: String,
        to temporary: String,
        pagesPerStep: Int32 = SQLiteBackup.defaultPagesPerStep,
        progress: (SQLiteBackup.Progress) -> Void = { _ in }
    ) throws {
        try SQLiteBackup.copy(
            from: source,
            to: temporary,
            pagesPerStep: pagesPerStep,
            finish: { db in try db.execute(sql: "UPDATE sync_lease SET owner = NULL, expires_at = NULL") },
            progress: progress
        )
    }

    /// Opens the copy at `temporary` read-only as a journal and checks it as `fapiao audit
    /// verify` does.
    /// - Returns: what it holds (its `path` is the temporary one), and the first problem found.
    static func checkedCopy(_ temporary: String) throws -> (receipt: JournalBackupReceipt, problem: String?) {
        guard let copy = try openUnlessDamaged(temporary) else {
            let nothing = JournalBackupReceipt(
                path: temporary,
                node: "",
                bytes: 0,
                invoices: 0,
                auditEntries: 0,
                head: ""
            )
            return (nothing, "it is damaged")
        }
        defer { try? copy.close() }
        let verification = try copy.verifyAudit()
        let invoices = try copy.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM invoice") ?? 0 }
        let size = (try? FileManager.default.attributesOfItem(atPath: temporary)[.size] as? NSNumber)?.int64Value ?? 0
        let receipt = JournalBackupReceipt(
            path: temporary,
            node: copy.settings.node,
            bytes: size,
            invoices: invoices,
            auditEntries: verification.entriesChecked,
            head: verification.head
        )
        return (receipt, verification.problem)
    }
}
