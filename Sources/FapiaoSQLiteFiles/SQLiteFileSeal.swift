import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A note beside a database file saying that it was found sound, and that only fapiao's own
/// commits have touched it since: while the note matches the file, opening it again need not
/// read every page.
///
/// `PRAGMA integrity_check` reads the whole file: about 1.3 s for a journal of 100,000 invoices,
/// paid by every `fapiao enqueue` before its one-row write. The seal (a file `PATH-checked`)
/// holds the identity of the database and of its WAL (device, inode, size, and the modification
/// and change times to the nanosecond; of the WAL, its modification time only) as a fapiao
/// process left them: right after a thorough check passed, or right after a commit that started
/// from a state that process had checked or that the seal named (so a `fapiao sync --watch` and a
/// clerk's captures renew it in turn). Anything else that writes the file (another program, a
/// copy put in its place, a restore, a crash between a commit and its seal) changes the change
/// time, which no program can set back, so the seal no longer matches and the next opening reads
/// every page again. Damage that changes no metadata (bit rot beneath the file system) is found
/// by the thorough check that runs anyway once a seal is ``maximumAge`` old, and by
/// `fapiao audit verify` and `fapiao backup`, which always read every page.
public enum SQLiteFileSeal {
    /// How long a seal spares the thorough check: a day, so a journal is read whole at least
    /// once a day by the first command that writes to it.
    public static let maximumAge: TimeInterval = 86_400

    /// What the file system says of a database file and its WAL.
    public struct Identity: Hashable, Sendable {
        var database: FileStat
        /// `nil` when the WAL is absent or empty (SQLite creates an empty one even to read).
        var wal: FileStat?
    }

    struct FileStat: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var changed: Int64

        var text: String { "\(device) \(inode) \(size) \(modified) \(changed)" }

        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
            changed = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
        }

        init?<S: Sequence>(fields: S) where S.Element == Substring {
            let numbers = Array(fields)
            guard numbers.count == 5, let device = UInt64(numbers[0]), let inode = UInt64(numbers[1]),
                let size = Int64(numbers[2]), let modified = Int64(numbers[3]), let changed = Int64(numbers[4])
            else { return nil }
            self.device = device
            self.inode = inode
            self.size = size
            self.modified = modified
            self.changed = changed
        }
    }

    /// The seal's file beside the database.
    public static func sealPath(forDatabase path: String) -> String { path + "-checked" }

    /// The present identity of the database at `path` and its WAL, or `nil` when it is not a
    /// regular file.
    public static func identity(ofDatabase path: String) -> Identity? {
        guard let database = FileStat(path: path) else { return nil }
        // SQLite running as root gives the WAL the database's owner each time it opens it
        // (fchown), which sets the WAL's change time: only its modification time can be kept.
        let wal = FileStat(path: path + "-wal").flatMap { $0.size == 0 ? nil : $0 }.map {
            var wal = $0
            wal.changed = 0
            return wal
        }
        return Identity(database: database, wal: wal)
    }

    /// Whether the database at `path` carries a seal younger than `maximumAge` that matches it as
    /// it is now.
    public static func holds(
        forDatabase path: String,
        now: Date = Date(),
        maximumAge: TimeInterval = maximumAge
    )
        -> Bool
    {
        guard let present = identity(ofDatabase: path) else { return false }
        return holds(forDatabase: path, identity: present, now: now, maximumAge: maximumAge)
    }

    /// Whether the seal beside `path`, younger than `maximumAge`, names exactly `identity`: the
    /// file was in that state when a fapiao process last found it sound.
    public static func holds(
        forDatabase path: String,
        identity: Identity,
        now: Date = Date(),
        maximumAge: TimeInterval = maximumAge
    ) -> Bool {
        guard let sealed = stored(forDatabase: path) else { return false }
        let age = now.timeIntervalSince1970 - Double(sealed.sealedAtMilliseconds) / 1000
        return age >= 0 && age < maximumAge && sealed.identity == identity
    }

    /// Records `identity` as sound, and `sealedAt` as when it was found so.
    ///
    /// Best effort: a seal that cannot be written only means the next opening reads every page.
    /// A process renews the seal after each of its commits, so the common case is written in
    /// place: one `pwrite` of the line over the seal this user already owns (``overwrite(_:with:)``).
    /// The first seal, or one that is not such a file, is written under a temporary name and
    /// renamed into place.
    public static func record(_ identity: Identity, forDatabase path: String, sealedAt: Date = Date()) {
        let milliseconds = Int64((sealedAt.timeIntervalSince1970 * 1000).rounded(.down))
        let text = "fapiao-seal 1 \(milliseconds) \(identity.database.text) \(identity.wal?.text ?? "-")\n"
        let bytes = Array(text.utf8)
        let seal = sealPath(forDatabase: path)
        if overwrite(seal, with: bytes) { return }
        let temporary = "\(seal).\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count, rename(temporary, seal) == 0 else {
            unlink(temporary)
            return
        }
    }

    /// Writes `line` over the seal at `seal` in place, when it is a plain file of one link that
    /// only its owner may read: what the rename in ``record(_:forDatabase:sealedAt:)`` makes.
    ///
    /// Creating a file and renaming it over the old seal after every commit cost a capture more
    /// than a quarter of its time (the file system journals both, and ext4 starts writing the
    /// new file out at the rename). A reader that catches the line half-written, or a crash
    /// between the write and the truncation of a longer old line, leaves text that does not
    /// parse or does not match the file: no seal, so the next opening reads every page, as for
    /// any seal that does not hold. Never a seal that holds for a state it does not name.
    /// - Returns: whether the whole line was written.
    static func overwrite(_ seal: String, with line: [UInt8]) -> Bool {
        // O_NONBLOCK: a FIFO put there would otherwise hold the writer until a reader came.
        let descriptor = open(seal, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_nlink == 1,
            status.st_mode & 0o077 == 0
        else { return false }
        let written = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard written == line.count else { return false }
        return status.st_size <= line.count || ftruncate(descriptor, off_t(line.count)) == 0
    }

    /// Removes the seal, so the next opening reads every page.
    public static func remove(forDatabase path: String) {
        unlink(sealPath(forDatabase: path))
    }

    private static func stored(forDatabase path: String) -> (sealedAtMilliseconds: Int64, identity: Identity)? {
        // A seal is one short line in a regular file; anything else (a FIFO that would never
        // answer, a longer file) is not one.
        let descriptor = open(sealPath(forDatabase: path), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size < 512 else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0, let text = String(validating: buffer[..<count], as: UTF8.self), text.hasSuffix("\n")
        else { return nil }
        let fields = text.dropLast().split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 9 || fields.count == 13, fields[0] == "fapiao-seal", fields[1] == "1",
            let sealedAt = Int64(fields[2]), let database = FileStat(fields: fields[3..<8])
        else { return nil }
        if fields.count == 9 {
            guard fields[8] == "-" else { return nil }
            return (sealedAt, Identity(database: database, wal: nil))
        }
        guard let wal = FileStat(fields: fields[8..<13]) else { return nil }
        return (sealedAt, Identity(database: database, wal: wal))
    }
}
