import Foundation
import GRDB

extension Journal {
    /// The ``JournalError`` a storage error means for the user (full disk, I/O error, busy,
    /// damaged file), or the error itself when it is not SQLite's.
    static func mapped(_ error: any Error, path: String) -> any Error {
        guard let database = error as? DatabaseError else { return error }
        // SQLite makes room for the WAL's shared-memory file (-shm) by writing into each of its
        // pages; on a full disk that write fails as SQLITE_IOERR_SHMSIZE, not SQLITE_FULL.
        let full = database.extendedResultCode == .SQLITE_IOERR_SHMSIZE
        switch full ? .SQLITE_FULL : database.resultCode.primaryResultCode {
        case .SQLITE_FULL:
            return JournalError(
                code: .storageFull,
                message: "The disk holding \(path) is full; nothing was written. Free space and try again.",
                cause: error
            )
        case .SQLITE_IOERR:
            return JournalError(
                code: .ioError,
                message: "Reading or writing \(path) failed (I/O error); nothing was written. Check the disk.",
                cause: error
            )
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return JournalError(
                code: .busy,
                message: "The journal \(path) is busy: another fapiao command holds its write lock; nothing was "
                    + "written. Try again when it has finished.",
                cause: error
            )
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return JournalError(
                code: .damaged,
                message:
                    "The journal \(path) is damaged; it was left as it is: restore it with `fapiao restore BACKUP`.",
                cause: error
            )
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return JournalError(
                code: .permissionDenied,
                message: "Cannot write the journal \(path); check that this user owns it and its directory.",
                cause: error
            )
        default:
            return error
        }
    }
}
