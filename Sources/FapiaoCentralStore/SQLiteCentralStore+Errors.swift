import GRDB

extension SQLiteCentralStore {
    /// Maps SQLite's errors to ``CentralStoreError``; other errors pass through unchanged.
    static func mapped(_ error: any Error, path: String) -> any Error {
        guard let database = error as? DatabaseError else { return error }
        switch database.resultCode.primaryResultCode {
        case .SQLITE_FULL:
            return CentralStoreError(
                .ioError,
                "The disk holding the central store \(path) is full; nothing was applied. Free space and try again."
            )
        case .SQLITE_IOERR:
            return CentralStoreError(
                .ioError,
                "Reading or writing the central store \(path) failed (I/O error); nothing was applied. Check the disk."
            )
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return CentralStoreError(
                .busy,
                "The central store \(path) is busy (another process holds its write lock); try again shortly."
            )
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return CentralStoreError(
                .damaged,
                "The central store \(path) is damaged; it was left as it is: restore it from a `fapiao-central backup` copy."
            )
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return CentralStoreError(
                .unavailable,
                "Cannot write the central store \(path); check that this user owns it and its directory."
            )
        case .SQLITE_MISUSE where database.message?.contains("closed") == true:
            return CentralStoreError(.unavailable, "The central store \(path) is closed.")
        default:
            return error
        }
    }
}
