import FapiaoCore
import Foundation
import GRDB

/// Counts and ages for `fapiao status`.
public struct JournalStatus: Hashable, Sendable {
    public var node: String
    public var remote: String?
    public var invoices: Int
    public var byState: [SyncState: Int]
    public var voided: Int
    public var pendingOperations: Int
    /// When the oldest still-pending operation was queued.
    public var oldestPendingSince: UTCTimestamp?
    public var openConflicts: Int
    public var auditEntries: Int
}
