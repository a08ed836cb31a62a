/// Whether an invoice is an ordinary (blue) invoice or a red one that reverses another.
public enum InvoiceKind: String, Hashable, Sendable, CaseIterable {
    /// A normal (blue) invoice; amounts are positive.
    case normal
    /// A red (credit) invoice reversing all or part of an earlier one; amounts are negative.
    case red
}
