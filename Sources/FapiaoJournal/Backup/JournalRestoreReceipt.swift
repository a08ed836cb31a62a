import FapiaoCore

/// What `fapiao restore` put in place, and where the journal it replaced is kept.
public struct JournalRestoreReceipt: Hashable, Sendable {
    /// The journal's path, now holding the backup.
    public var path: String
    /// The backup it was restored from (left as it was).
    public var backup: String
    /// The branch's node id.
    public var node: String
    /// Invoices in the restored journal.
    public var invoices: Int
    /// Its audit entries, all verified.
    public var auditEntries: Int
    /// The head of its audit chain.
    public var head: ChainPosition
    /// Where the journal it replaced was moved, with its `-wal` and `-shm`; `nil` when there was none.
    public var replacedKeptAt: String?
}
