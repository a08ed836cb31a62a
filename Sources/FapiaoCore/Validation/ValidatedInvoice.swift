import Foundation

/// An invoice that passed validation, with any rule the operator deliberately overrode.
public struct ValidatedInvoice: Hashable, Sendable {
    public var invoice: Invoice
    /// Check-character failures accepted by explicit override; each is audited.
    public var overrides: [ValidationIssue]
    /// The raw text of each field whose full-width forms were made half-width (``HalfWidth``),
    /// by field path; kept in the capture's audit entry.
    public var normalised: [String: String]

    public init(invoice: Invoice, overrides: [ValidationIssue] = [], normalised: [String: String] = [:]) {
        self.invoice = invoice
        self.overrides = overrides
        self.normalised = normalised
    }
}
