import FapiaoSQLiteFiles
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks a central store file before SQLite touches it, and creates new ones with tight permissions.
///
/// A file that is not a Fapiao central store is refused from its 100-byte SQLite header
/// alone, without opening it through SQLite, so a refused file is left byte-for-byte unchanged.
enum CentralStoreFile {
    /// `PRAGMA application_id` of a Fapiao central store: "FAPC" in ASCII.
    static let applicationID: Int32 = 0x4641_5043

    /// `PRAGMA application_id` of a Fapiao branch journal: "FAPI" in ASCII.
    static let journalApplicationID: Int32 = 0x4641_5049

    /// What the header says about a file.
    enum State: Equatable {
        /// No file.
        case absent
        /// An empty file with no WAL: a store whose creation stopped before SQLite wrote to it
        /// (`serve` creates the store in it), or one emptied by damage.
        case empty
        /// A central store with this schema version.
        case store(userVersion: Int32)
    }

    /// Why a command that does not create the store finds none at `path` (`state` is `.absent`
    /// or `.empty`), in one sentence; `instead` (a clause ending with a full stop) says what to do
    /// when there is no file at all.
    static func noStore(at path: String, _ state: State, instead: String) -> CentralStoreError {
        guard state == .empty else { return CentralStoreError(.notFound, "No central store at \(path); \(instead)") }
        return CentralStoreError(
            .notFound,
            "The central store file \(path) is empty, so it holds no store (a creation stopped before SQLite "
                + "wrote to it, or damage emptied it); restore it from a `fapiao-central backup` copy, or let "
                + "`fapiao-central serve --store sqlite:\(path)` create a new store in it."
        )
    }

    /// Reads and checks the SQLite header of the file at `path`.
    ///
    /// - Parameters:
    ///   - path: the store's path.
    ///   - schemaVersion: the newest schema version this build knows.
    /// - Returns: whether there is a store, and its schema version.
    /// - Throws: ``CentralStoreError`` `.notACentralStore`, `.newerVersion` or `.unavailable`.
    static func inspect(path: String, schemaVersion: Int32) throws(CentralStoreError) -> State {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return .absent }
            throw CentralStoreError(
                .unavailable,
                "Cannot examine the central store \(path) (\(String(cString: strerror(errno)))); check its directory."
            )
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw CentralStoreError(.notACentralStore, "\(path) is not a regular file; point the store at a file.")
        }
        if status.st_size == 0 {
            // An empty file is a store to create, unless a WAL beside it holds what its pages lost.
            var wal = stat()
            if stat(path + "-wal", &wal) == 0, wal.st_size > 0 {
                throw CentralStoreError(
                    .damaged,
                    "The central store \(path) is damaged (the file is empty, yet its write-ahead log holds "
                        + "\(wal.st_size) bytes); it was left as it is: restore it from a `fapiao-central backup` copy."
                )
            }
            return .empty
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CentralStoreError(
                .unavailable,
                "Cannot read the central store \(path); check that this user owns it (mode 0600)."
            )
        }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let magic = Array("SQLite format 3\0".utf8)
        guard bytes.count == 100, Array(bytes[0..<16]) == magic else {
            throw CentralStoreError(
                .notACentralStore,
                "\(path) is not a Fapiao central store (it is not an SQLite database); it was left unchanged."
            )
        }
        func int32(at offset: Int) -> Int32 {
            Int32(bitPattern: bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        let foundID = int32(at: 68)
        let userVersion = int32(at: 60)
        if foundID == journalApplicationID {
            throw CentralStoreError(
                .notACentralStore,
                "\(path) is a Fapiao branch journal, not a central store; it was left unchanged. "
                    + "Give the central service a path of its own."
            )
        }
        guard foundID == applicationID else {
            throw CentralStoreError(
                .notACentralStore,
                "\(path) is an SQLite database of another application, not a Fapiao central store; "
                    + "it was left unchanged."
            )
        }
        if let problem = SQLiteHeader.problem(bytes) {
            throw CentralStoreError(
                .damaged,
                "The central store \(path) is damaged (\(problem)); it was left as it is: restore it from a `fapiao-central backup` copy."
            )
        }
        guard userVersion <= schemaVersion else {
            throw CentralStoreError(
                .newerVersion,
                "\(path) was written by a newer Fapiao (central schema \(userVersion), this build knows "
                    + "\(schemaVersion)); upgrade fapiao-central. The file was left unchanged."
            )
        }
        return .store(userVersion: userVersion)
    }

    /// Creates the store's directory (0700) and an empty file (0600), whatever the umask;
    /// an existing empty file is kept and made private, a file that is not empty is refused.
    ///
    /// SQLite gives the `-wal`, `-shm` and `-journal` files the database file's permissions,
    /// so creating the file first with 0600 keeps them all private.
    static func createEmpty(path: String) throws(CentralStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
                _ = chmod(directory, 0o700)
            } catch {
                throw CentralStoreError(
                    .unavailable,
                    "Cannot create the central store's directory \(directory); choose a writable store path."
                )
            }
        }
        var descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0, errno == EEXIST {
            descriptor = open(path, O_WRONLY | O_CLOEXEC)
        }
        guard descriptor >= 0 else {
            throw CentralStoreError(
                .unavailable,
                "Cannot create the central store \(path) (\(String(cString: strerror(errno)))); "
                    + "choose a writable store path."
            )
        }
        defer { _ = close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size == 0 else {
            throw CentralStoreError(
                .notACentralStore,
                "\(path) was written by someone else while the central store was being created there; "
                    + "it was left unchanged."
            )
        }
        _ = fchmod(descriptor, 0o600)
    }

    /// Removes a store that failed to initialise, with its `-wal`, `-shm` and `-journal` files.
    static func remove(path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { _ = unlink(path + suffix) }
    }
}
