import FapiaoCore

/// What `fapiao backup` made: the checked copy and what it holds.
public struct JournalBackupReceipt: Hashable, Sendable {
    /// Where the backup is.
    public var path: String
    /// The branch's node id the journal in it belongs to.
    public var node: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Invoices in it.
    public var invoices: Int
    /// Audit entries in it, all verified.
    public var auditEntries: Int
    /// The hash of its last audit entry.
    public var head: String
    /// Older backups deleted by `--keep`, oldest first.
    public var rotated: [String] = []
    /// Temporary copies of killed backups that were cleaned up.
    public var strayRemoved: [String] = []
}
