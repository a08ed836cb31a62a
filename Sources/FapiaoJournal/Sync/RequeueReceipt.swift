import FapiaoCore
import Foundation
import GRDB

/// What `fapiao quarantine requeue` did.
public struct RequeueReceipt: Hashable, Sendable {
    public var invoiceID: UUID
    /// Operations put back in the outbox unchanged (same ids).
    public var requeued: [UUID]
    /// Operations replaced by a later change of the invoice, which is sent instead.
    public var superseded: [UUID]
}
