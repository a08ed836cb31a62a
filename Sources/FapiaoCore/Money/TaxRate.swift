/// A VAT rate held exactly in basis points (6 % = 600).
public struct TaxRate: Hashable, Sendable, Comparable {
    /// The rate in hundredths of a percent.
    public var basisPoints: Int64

    /// Creates a rate from basis points.
    public init(basisPoints: Int64) { self.basisPoints = basisPoints }

    /// Parses `"0.06"` (a fraction) or `"6%"` (a percentage).
    public init(parsing text: String) throws(DecimalText.Problem) {
        if text.hasSuffix("%") {
            basisPoints = try DecimalText.parse(String(text.dropLast()), scale: 2)
        } else {
            basisPoints = try DecimalText.parse(text, scale: 4)
        }
    }

    /// The rate as a fraction string without trailing zeros (`"0.06"`, `"0.13"`, `"0"`).
    public var decimalText: String {
        var text = DecimalText.format(basisPoints, scale: 4)
        while text.hasSuffix("0"), text.contains(".") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The rate as a percentage for people (`"6%"`).
    public var percentText: String {
        var text = DecimalText.format(basisPoints, scale: 2)
        while text.hasSuffix("0"), text.contains(".") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// The tax on `net` at this rate, rounded half away from zero to the minor unit.
    public func tax(on net: Int64) -> Int64 {
        let (product, overflow) = net.multipliedReportingOverflow(by: basisPoints)
        if overflow { return Int64.max }
        let quotient = product / 10_000
        let remainder = product % 10_000
        if remainder.magnitude * 2 >= 10_000 { return quotient + (product < 0 ? -1 : 1) }
        return quotient
    }

    public static func < (lhs: TaxRate, rhs: TaxRate) -> Bool { lhs.basisPoints < rhs.basisPoints }
}
