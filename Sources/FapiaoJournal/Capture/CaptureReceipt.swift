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
    /// When the invoice must be uploaded by, or `nil` while the outage it was captured in lasts.
    ///
    /// ``Journal/uploadDeadline(of:)`` at the instant of capture, worked out inside the
    /// capture's own transaction, so printing it costs a one-shot `fapiao enqueue` no further
    /// connection to the journal.
    public var uploadDeadline: UTCTimestamp?
}
