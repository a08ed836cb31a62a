import CSQLiteConnection
import GRDB

extension Database {
    /// Whether closing this connection, as the last one to a database in WAL mode, folds the
    /// WAL into the main file (SQLite's default).
    ///
    /// A read-write connection opened before anything is known to be written would otherwise
    /// fold in WAL pages another process left (one whose read-only connection closed last), and
    /// a refused command would change the file's bytes. So such a connection opens with the
    /// fold off and turns it back on inside its first commit.
    public func setCheckpointOnClose(_ enabled: Bool) throws {
        let code = fapiao_sqlite3_checkpoint_on_close(UnsafeMutableRawPointer(sqliteConnection), enabled ? 1 : 0)
        guard code == 0 else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
    }
}
