import Foundation

/// An invoice that passed validation, with any rule the operator deliberately overrode.
public struct ValidatedInvoice: Hashable, Sendable {
    public var invoice: Invoice
    /// Check-character failures accepted by explicit override; each is audited.
    public var overrides: [ValidationIssue]

    public init(invoice: Invoice, overrides: [ValidationIssue] = []) {
        self.invoice = invoice
        self.overrides = overrides
    }
}
