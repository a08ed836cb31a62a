import GRDB
import GRDBSQLite
import Synchronization

extension Journal {
    /// Whether the file this journal has open is no longer the one at its path: `fapiao restore`
    /// moved it aside and put a backup there, or it was deleted.
    ///
    /// SQLite's own test (`SQLITE_FCNTL_HAS_MOVED`: the inode at the path against the one of the
    /// open file), so a process that opened the file just before it was replaced knows it too,
    /// which a stat of the path taken after opening could not tell. A long-running process
    /// (`fapiao sync --watch`) asks between its runs and stops, to be started on the new file;
    /// its writes meanwhile went to the replaced journal, which is kept with its log (SQLite does
    /// not fold or delete the log of a moved file when it closes it).
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func fileHasMoved() throws -> Bool {
        // Asked of a connection opened before the question: the writer's, or the reader's. A
        // reader the pool opened now would open whatever file is at the path today.
        do {
            if let pool = writer.withLock({ $0 }) { return try pool.writeWithoutTransaction(Self.hasMoved) }
            if let reader { return try reader.inDatabase(Self.hasMoved) }
            return false
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    private static func hasMoved(_ db: Database) throws -> Bool {
        var moved: CInt = 0
        let code = withUnsafeMutablePointer(to: &moved) { pointer in
            sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_HAS_MOVED, pointer)
        }
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
        return moved != 0
    }
}
