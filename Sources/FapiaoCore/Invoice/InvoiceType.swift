/// The kind of paper or digital invoice, which decides the form of its code and number.
public enum InvoiceType: String, Hashable, Sendable, CaseIterable {
    /// 增值税专用发票: legacy special VAT invoice (10- or 12-digit code, 8-digit number).
    case special
    /// 增值税普通发票: legacy ordinary VAT invoice (10- or 12-digit code, 8-digit number).
    case ordinary
    /// 数电专票: fully digital special invoice (20-digit number, no code).
    case digitalSpecial
    /// 数电普票: fully digital ordinary invoice (20-digit number, no code).
    case digitalOrdinary
    /// Any other invoice (8- to 20-digit number, optional 10- or 12-digit code).
    case other

    /// Whether the type is a fully digital (数电) invoice.
    public var isDigital: Bool { self == .digitalSpecial || self == .digitalOrdinary }

    /// The values accepted on input, for error messages.
    public static let listText = allCases.map(\.rawValue).joined(separator: ", ")
}
