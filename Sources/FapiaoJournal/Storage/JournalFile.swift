import FapiaoSQLiteFiles
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks a journal file before SQLite touches it, and creates new ones with tight permissions.
///
/// A file that is not a Fapiao journal is refused from its 100-byte SQLite header alone,
/// without opening it through SQLite, so a refused file is left byte-for-byte unchanged.
enum JournalFile {
    /// `PRAGMA application_id` of a Fapiao journal: "FAPI" in ASCII.
    static let applicationID: Int32 = 0x4641_5049

    /// The schema version this build writes: the number of journal migrations.
    static var schemaVersion: Int32 { Int32(JournalMigrations.count) }

    /// What the header says about an existing file.
    struct Header {
        var applicationID: Int32
        var userVersion: Int32
    }

    /// Reads and checks the SQLite header of the file at `path`.
    /// - Throws: ``JournalError`` `.notFound`, `.notAJournal`, `.newerVersion` or `.permissionDenied`.
    static func inspect(path: String) throws(JournalError) -> Header {
        guard FileManager.default.fileExists(atPath: path) else {
            throw JournalError(
                code: .notFound,
                message: "No journal at \(path); create one with `fapiao init --node ID` or point --journal at it."
            )
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw JournalError(
                code: .permissionDenied,
                message: "Cannot read the journal at \(path); check that this user owns it (mode 0600)."
            )
        }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: 100)) ?? Data())
        let magic = Array("SQLite format 3\0".utf8)
        guard bytes.count == 100, Array(bytes[0..<16]) == magic else {
            throw JournalError(
                code: .notAJournal,
                message: "\(path) is not a Fapiao journal (it is not an SQLite database); it was left unchanged."
            )
        }
        func int32(at offset: Int) -> Int32 {
            Int32(bitPattern: bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        let header = Header(applicationID: int32(at: 68), userVersion: int32(at: 60))
        guard header.applicationID == applicationID else {
            throw JournalError(
                code: .notAJournal,
                message:
                    "\(path) is an SQLite database of another application, not a Fapiao journal; it was left unchanged."
            )
        }
        if let problem = SQLiteHeader.problem(bytes) {
            throw JournalError(
                code: .damaged,
                message:
                    "The journal \(path) is damaged (\(problem)); it was left as it is: restore it with `fapiao restore BACKUP`."
            )
        }
        guard header.userVersion <= schemaVersion else {
            throw JournalError(
                code: .newerVersion,
                message: "\(path) was written by a newer Fapiao (journal schema \(header.userVersion), this build "
                    + "knows \(schemaVersion)); upgrade fapiao. The file was left unchanged."
            )
        }
        return header
    }

    /// Creates the journal's directory (0700) and an empty file (0600), whatever the umask.
    ///
    /// SQLite gives the `-wal` and `-shm` files the database file's permissions, so
    /// creating the file first with 0600 keeps all three private.
    static func createEmpty(path: String) throws(JournalError) {
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
                throw JournalError(
                    code: .permissionDenied,
                    message: "Cannot create the journal directory \(directory); choose a writable --journal path.",
                    cause: error
                )
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            if errno == EEXIST {
                throw JournalError(
                    code: .alreadyExists,
                    message:
                        "A file already exists at \(path); fapiao init never overwrites one, choose another --journal path."
                )
            }
            throw JournalError(
                code: .permissionDenied,
                message: "Cannot create the journal at \(path) (\(reason)); choose a writable --journal path."
            )
        }
        _ = fchmod(descriptor, 0o600)
        _ = close(descriptor)
    }

    /// Removes a journal that failed to initialise, with its `-wal`, `-shm` and seal files.
    static func remove(path: String) {
        for suffix in ["", "-wal", "-shm"] { _ = unlink(path + suffix) }
        SQLiteFileSeal.remove(forDatabase: path)
    }
}
