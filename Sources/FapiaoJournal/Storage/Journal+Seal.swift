import FapiaoSQLiteFiles
import Foundation
import Synchronization

/// Keeping the journal's seal (``SQLiteFileSeal``) in step with this process's own writes.
extension Journal {
    /// The journal's identity when a commit or a close of this process starts.
    func identityBeforeOwnChange() -> SQLiteFileSeal.Identity? { SQLiteFileSeal.identity(ofDatabase: path) }

    /// Renews the seal after a change of this process's own (a commit, a checkpoint, the close)
    /// when the file was, just before, as this process had left it or as the seal says another
    /// fapiao process left it: only then is everything in it known to be SQLite's own writing
    /// since the last check.
    func renewSeal(after before: SQLiteFileSeal.Identity?) {
        knownSound.withLock { known in
            guard let before, known == before || SQLiteFileSeal.holds(forDatabase: path, identity: before),
                let after = SQLiteFileSeal.identity(ofDatabase: path)
            else {
                known = nil
                return
            }
            // Nothing changed (a transaction that wrote nothing): the seal is as it was.
            guard after != before else { return }
            known = after
            SQLiteFileSeal.record(after, forDatabase: path)
        }
    }
}
