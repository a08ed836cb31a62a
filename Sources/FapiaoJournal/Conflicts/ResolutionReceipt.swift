import FapiaoCore
import Foundation

/// What resolving a conflict wrote.
public struct ResolutionReceipt: Hashable, Sendable {
    public var conflictID: UUID
    public var invoiceID: UUID
    public var resolution: ConflictResolution
    /// The resulting version of the invoice.
    public var invoice: Invoice
}
