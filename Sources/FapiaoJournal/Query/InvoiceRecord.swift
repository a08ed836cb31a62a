import FapiaoCore
import Foundation
import GRDB

/// An invoice as the journal holds it: the current version and where it stands.
public struct InvoiceRecord: Hashable, Sendable {
    public var invoice: Invoice
    public var syncState: SyncState
    /// Why it is quarantined or in conflict.
    public var stateReason: String?
    public var clock: VectorClock
    public var updatedAt: UTCTimestamp
    /// Operations of this invoice not yet answered by the remote.
    public var pendingOperations: Int

    /// Whether the invoice has been voided.
    public var isVoided: Bool { invoice.void != nil }

    /// The state as a person reads it, such as `pending` or `voided (pending)`.
    public var stateText: String { isVoided ? "voided (\(syncState.rawValue))" : syncState.rawValue }

    init(row: Row) throws {
        let content: String = row["content"]
        do {
            invoice = try Invoice(storedText: content)
        } catch {
            throw JournalError(
                code: .damaged,
                message:
                    "Invoice \(row["id"] as String? ?? "?") in the journal cannot be read back; restore the journal with `fapiao restore BACKUP`.",
                cause: error
            )
        }
        syncState = SyncState(rawValue: row["sync_state"]) ?? .pending
        stateReason = row["state_reason"]
        clock = VectorClock(parsing: row["clock"]) ?? VectorClock()
        updatedAt = UTCTimestamp(parsing: row["updated_at"]) ?? invoice.capturedAt
        pendingOperations = row["pending_ops"] ?? 0
    }

    static let selectSQL = """
        SELECT invoice.*, (SELECT COUNT(*) FROM operation
            WHERE operation.invoice_id = invoice.id
            AND operation.status IN ('pending', 'inFlight', 'inDoubt')) AS pending_ops
        FROM invoice
        """
}
