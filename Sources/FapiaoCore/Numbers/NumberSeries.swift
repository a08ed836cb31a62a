/// A range of invoice numbers assigned to a branch, for one type and code.
public struct NumberSeries: Hashable, Sendable {
    public var id: Int64
    public var type: InvoiceType
    /// The 发票代码 of legacy types; empty for digital ones.
    public var code: String
    /// The first and last numbers, digits of the type's width.
    public var first: String
    public var last: String

    public init(id: Int64 = 0, type: InvoiceType, code: String, first: String, last: String) {
        self.id = id
        self.type = type
        self.code = code
        self.first = first
        self.last = last
    }

    /// Whether `number` (of this series' type and code) lies in it.
    public func contains(type: InvoiceType, code: String, number: String) -> Bool {
        guard type == self.type, code == self.code, number.utf8.count == first.utf8.count,
            let value = NumberValue(number), let low = NumberValue(first), let high = NumberValue(last)
        else { return false }
        return low <= value && value <= high
    }

    /// `CODE:FIRST-LAST`, or `FIRST-LAST` without a code.
    public var rangeText: String { (code.isEmpty ? "" : "\(code):") + "\(first)-\(last)" }
}

/// An invoice number's value (up to 20 digits, beyond 64 bits), for ordering and counting.
public struct NumberValue: Hashable, Sendable, Comparable {
    public var value: UInt128

    public init?(_ digits: String) {
        guard (1...20).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        var value: UInt128 = 0
        for byte in digits.utf8 { value = value * 10 + UInt128(byte - 0x30) }
        self.value = value
    }

    public init(value: UInt128) { self.value = value }

    public static func < (lhs: NumberValue, rhs: NumberValue) -> Bool { lhs.value < rhs.value }

    /// The value written with `width` digits, zero-padded.
    public func digits(width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// A range of numbers skipped on purpose, with the reason (`fapiao numbers explain`).
public struct NumberExplanation: Hashable, Sendable {
    public var code: String
    public var first: String
    public var last: String
    public var reason: String

    public init(code: String, first: String, last: String, reason: String) {
        self.code = code
        self.first = first
        self.last = last
        self.reason = reason
    }
}
