import FapiaoFailpoints
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies a live SQLite database (a journal, a central store) into a new file through SQLite's
/// online backup API, the way a backup must be made of a database in WAL mode: copying its
/// file while it is written is not a backup.
///
/// The copy is made under a temporary name beside its final path (``temporaryPath(for:)``),
/// checked by the caller, then put in place by ``publish(_:as:)``, so a process killed
/// mid-copy leaves no file at the final path, only a temporary one that the next backup into
/// that directory removes (``removeStrayTemporaries(in:)``).
public enum SQLiteBackup {
    /// How far a copy has got.
    public struct Progress: Sendable {
        public var copiedPages: Int
        public var totalPages: Int
    }

    /// Database pages copied per step: 256 pages of 4 KiB, 1 MiB a step.
    public static let defaultPagesPerStep: Int32 = 256

    /// The failpoint passed after every backup step that is not the last one
    /// (`FAPIAO_FAILPOINT=backup.step@N` kills the process after the N-th step).
    public static let stepFailpoint = "backup.step"

    /// Copies the database at `source` into a new file at `destination`, mode 0600, in
    /// rollback-journal (`DELETE`) mode, so the copy is one self-contained file that reading it
    /// never adds a `-wal` or `-shm` beside.
    ///
    /// Every step copies `pagesPerStep` pages from one read transaction on the source, so the
    /// copy is one consistent snapshot, and writers go on meanwhile: in WAL mode a reader blocks
    /// no writer, and the snapshot it holds is never restarted by their commits.
    ///
    /// - Parameters:
    ///   - source: the database to copy; opened read-only.
    ///   - destination: a path where no file is; created with `O_EXCL`.
    ///   - pagesPerStep: pages copied per step.
    ///   - finish: run on the copy in one transaction once every page is there (clearing what
    ///     means nothing in a copy, such as a lease).
    ///   - progress: called after every step.
    /// - Throws: ``SQLiteBackupError``, or what SQLite throws reading the source.
    public static func copy(
        from source: String,
        to destination: String,
        pagesPerStep: Int32 = defaultPagesPerStep,
        finish: (Database) throws -> Void = { _ in },
        progress: (Progress) -> Void = { _ in }
    ) throws {
        try createEmpty(destination)
        var sourceConfiguration = Configuration()
        sourceConfiguration.label = "fapiao.backup.source"
        sourceConfiguration.readonly = true
        sourceConfiguration.busyMode = .timeout(30)
        let sourceQueue = try DatabaseQueue(path: source, configuration: sourceConfiguration)
        defer { try? sourceQueue.close() }
        var destinationConfiguration = Configuration()
        destinationConfiguration.label = "fapiao.backup.copy"
        let copyQueue = try DatabaseQueue(path: destination, configuration: destinationConfiguration)
        defer { try? copyQueue.close() }
        try withoutActuallyEscaping(progress) { progress in
            try sourceQueue.read { sourceDb in
                // Reading a row starts the read transaction now: without one, every step would open
                // its own, and a commit between two steps would restart the copy from the first page.
                _ = try Int.fetchOne(sourceDb, sql: "SELECT count(*) FROM sqlite_master")
                try copyQueue.writeWithoutTransaction { copyDb in
                    try sourceDb.backup(to: copyDb, pagesPerStep: max(1, pagesPerStep)) { step in
                        progress(
                            Progress(
                                copiedPages: step.totalPageCount - step.remainingPageCount,
                                totalPages: step.totalPageCount
                            )
                        )
                        if !step.isCompleted { Failpoint.pass(stepFailpoint) }
                    }
                }
            }
        }
        try copyQueue.writeWithoutTransaction { copyDb in
            // The copy's header says WAL, as the source's does; rollback mode keeps it one file.
            let mode = try String.fetchOne(copyDb, sql: "PRAGMA journal_mode = DELETE")
            guard mode?.lowercased() == "delete" else {
                throw SQLiteBackupError(.ioError, "SQLite kept the copy \(destination) in \(mode ?? "?") mode.")
            }
            try copyDb.execute(sql: "PRAGMA synchronous = FULL")
            try copyDb.inTransaction {
                try finish(copyDb)
                return .commit
            }
        }
        try copyQueue.close()
        try syncFile(destination)
    }

    /// The name a copy is made under beside `path` until it is complete and checked.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        return directory + "/." + url.lastPathComponent + ".partial-\(getpid())"
    }

    /// Removes a copy that failed or was refused, with any journal SQLite left beside it.
    public static func remove(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { _ = unlink(path + suffix) }
    }

    /// Removes the temporary copies in `directory` left by backups that were killed: those named
    /// by ``temporaryPath(for:)`` whose process is gone.
    /// - Returns: the names removed.
    @discardableResult
    public static func removeStrayTemporaries(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            guard let marker = name.range(of: ".partial-", options: .backwards) else { continue }
            var rest = name[marker.upperBound...]
            for suffix in ["-journal", "-wal", "-shm"] where rest.hasSuffix(suffix) {
                rest = rest.dropLast(suffix.count)
            }
            guard let pid = pid_t(rest), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0, errno == ESRCH {
                if unlink(directory + "/" + name) == 0 { removed.append(name) }
            }
        }
        return removed
    }

    /// Puts the complete copy made at `temporary` in place at `path`, never over a file that is
    /// there, and makes the new name durable.
    ///
    /// A hard link is atomic and fails when `path` exists; where the file system has no hard
    /// links, a rename after a fresh check (the window is the check itself).
    /// - Throws: ``SQLiteBackupError`` `.alreadyExists` or `.ioError`.
    public static func publish(_ temporary: String, as path: String) throws(SQLiteBackupError) {
        if link(temporary, path) != 0 {
            let reason = errno
            if reason == EEXIST { throw alreadyExists(path) }
            guard reason == EPERM || reason == ENOTSUP || reason == EOPNOTSUPP || reason == ENOSYS else {
                throw SQLiteBackupError(
                    .ioError,
                    "Cannot put the copy in place at \(path) (\(String(cString: strerror(reason)))); nothing was written there."
                )
            }
            var status = stat()
            if lstat(path, &status) == 0 { throw alreadyExists(path) }
            guard rename(temporary, path) == 0 else {
                throw SQLiteBackupError(
                    .ioError,
                    "Cannot put the copy in place at \(path) (\(String(cString: strerror(errno)))); nothing was written there."
                )
            }
        }
        remove(temporary)
        syncDirectory(of: path)
    }

    /// The error for a path where a file already is.
    public static func alreadyExists(_ path: String) -> SQLiteBackupError {
        SQLiteBackupError(
            .alreadyExists,
            "A file already exists at \(path); a backup never overwrites one, choose another path."
        )
    }

    /// Creates `directory` with mode 0700 (whatever the umask) when it is missing.
    public static func makeDirectory(_ directory: String) throws(SQLiteBackupError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw SQLiteBackupError(
                    .usage,
                    "\(directory) is not a directory; name a directory or a new file for the backup."
                )
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
            _ = chmod(directory, 0o700)
        } catch {
            throw SQLiteBackupError(
                .permissionDenied,
                "Cannot create the backup directory \(directory); choose a writable path.",
                cause: error
            )
        }
    }

    /// Flushes `path`'s data to the disk.
    public static func syncFile(_ path: String) throws(SQLiteBackupError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { _ = close(descriptor) }
            throw SQLiteBackupError(.ioError, "Cannot flush \(path) to the disk (\(reason)); check the disk.")
        }
        _ = close(descriptor)
    }

    /// Flushes the directory holding `path`, so a name just made or changed there survives a crash.
    public static func syncDirectory(of path: String) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            _ = close(descriptor)
        }
    }

    private static func createEmpty(_ path: String) throws(SQLiteBackupError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw alreadyExists(path) }
            throw SQLiteBackupError(
                .permissionDenied,
                "Cannot create \(path) (\(String(cString: strerror(errno)))); choose a writable path for the backup."
            )
        }
        _ = fchmod(descriptor, 0o600)
        _ = close(descriptor)
    }
}
