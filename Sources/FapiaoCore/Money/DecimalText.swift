/// Strict parsing of exact decimal strings such as `"520.75"` into scaled integers.
///
/// Only an optional leading `-`, ASCII digits and at most one `.` are accepted: no
/// exponent, no `+`, no thousands separators, no spaces. Amounts never pass through
/// `Double`, so no value is ever rounded on the way in.
public enum DecimalText {
    /// Why a decimal string was refused.
    public enum Problem: Error, Hashable, Sendable {
        case empty
        case notADecimal
        case tooManyDecimals(allowed: Int)
        case negative
        case tooLarge
    }

    /// Parses `text` into an integer scaled by 10^`scale` (`"520.75"`, scale 2 → 52075).
    ///
    /// - Parameters:
    ///   - text: the decimal string.
    ///   - scale: how many fractional digits the result keeps; more digits are refused.
    ///   - allowNegative: whether a leading `-` is allowed.
    /// - Returns: the scaled integer.
    /// - Throws: ``Problem`` naming the first rule the text breaks.
    public static func parse(_ text: String, scale: Int, allowNegative: Bool = false) throws(Problem) -> Int64 {
        var bytes = Substring(text).utf8[...]
        guard !bytes.isEmpty else { throw .empty }
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var integerDigits = 0
        var fractionDigits = 0
        var seenPoint = false
        var value: Int64 = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if seenPoint { throw .notADecimal }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .notADecimal }
            if seenPoint {
                fractionDigits += 1
                if fractionDigits > scale { throw .tooManyDecimals(allowed: scale) }
            } else {
                integerDigits += 1
            }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { throw .tooLarge }
            value = sum
        }
        guard integerDigits > 0, !(seenPoint && fractionDigits == 0) else { throw .notADecimal }
        for _ in fractionDigits..<scale {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            if overflow { throw .tooLarge }
            value = times
        }
        if negative {
            guard allowNegative else { throw .negative }
            value = -value
        }
        return value
    }

    /// Formats a scaled integer with exactly `scale` fractional digits (52075, 2 → `"520.75"`).
    public static func format(_ value: Int64, scale: Int) -> String {
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor *= 10 }
        var whole = magnitude / divisor
        var fraction = magnitude % divisor
        // Written digit by digit from the end into the string's own storage: every amount of
        // every invoice is formatted when it is validated and encoded, and building it from
        // pieces cost several allocations each time.
        let capacity = 21 + (scale > 0 ? scale + 1 : 0)
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var start = capacity
            func put(_ byte: UInt8) {
                start -= 1
                buffer[start] = byte
            }
            if scale > 0 {
                for _ in 0..<scale {
                    put(UInt8(ascii: "0") + UInt8(fraction % 10))
                    fraction /= 10
                }
                put(UInt8(ascii: "."))
            }
            repeat {
                put(UInt8(ascii: "0") + UInt8(whole % 10))
                whole /= 10
            } while whole > 0
            if value < 0 { put(UInt8(ascii: "-")) }
            let count = capacity - start
            for index in 0..<count { buffer[index] = buffer[start + index] }
            return count
        }
    }
}

extension DecimalText.Problem {
    /// The rule, phrased to follow a field name ("net must …").
    public var rule: String {
        switch self {
        case .empty: "must not be empty"
        case .notADecimal: "must be a decimal number such as \"520.75\" (digits and one point, no spaces or commas)"
        case .tooManyDecimals(let allowed): "must have at most \(allowed) decimal places"
        case .negative: "must not be negative"
        case .tooLarge: "is too large"
        }
    }
}
