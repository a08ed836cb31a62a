import FapiaoCore
import Foundation

/// What a capture wrote: the invoice, its create operation and the audit entry.
public struct CaptureReceipt: Hashable, Sendable {
    public var invoice: Invoice
    public var operationID: UUID
    public var clock: VectorClock
    public var auditSequence: Int64
    /// Offline limits the open outage has reached 80 % of (the profile's share), one sentence each.
    public var warnings: [String] = []
    /// The outage open when the invoice was captured, as the capture's own transaction read it
    /// (`nil` outside one): what ``Journal/uploadDeadline(for:)`` needs, so a one-shot
    /// `fapiao enqueue` prints the deadline without another connection to the journal.
    public var outage: OfflineRules.Outage?
}
