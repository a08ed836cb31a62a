/// Reading JSON written exactly as ``CanonicalJSON`` writes it, straight from its bytes: the
/// scanning the canonical readers of invoices and audit entries share.
///
/// Each primitive takes only the canonical form (no whitespace, strings with the writer's
/// escapes only) and gives `nil` or `false` for anything else; the reader's caller then leaves
/// the bytes to the JSON parser, which decides. What a primitive does take decodes to what the
/// parser gives for the same bytes.
protocol CanonicalScanning {
    var bytes: UnsafeBufferPointer<UInt8> { get }
    var index: Int { get set }
}

/// Where an object's members stand while they are read.
enum CanonicalMemberStep {
    case member(String)
    case end
    case invalid
}

extension CanonicalScanning {
    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Takes `literal` (a name with its quotes and colon, `null`) when the bytes continue with it.
    mutating func take(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        let same = literal.withUTF8Buffer { expected in
            for offset in 0..<count where bytes[index + offset] != expected[offset] { return false }
            return true
        }
        if same { index += count }
        return same
    }

    /// A string as the canonical writer writes it; `nil` for a control character or an escape it
    /// does not write.
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
            if byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// The rest of a string that has an escape: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u00xx` (lowercase
    /// hex) for the other control characters, the only escapes the canonical writer uses.
    mutating func escapedString(from start: Int) -> String? {
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(escape)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "0"),
                        bytes[index + 1] == UInt8(ascii: "0"), let high = canonicalHexValue(bytes[index + 2]), high < 2,
                        let low = canonicalHexValue(bytes[index + 3])
                    else { return nil }
                    let control = high << 4 | low
                    // The writer gives these three their short forms.
                    guard control != 0x0A, control != 0x0D, control != 0x09 else { return nil }
                    out.append(control)
                    index += 4
                default:
                    return nil
                }
            case 0..<0x20:
                return nil
            default:
                out.append(byte)
            }
        }
        return nil
    }

    /// The next member's name, after its comma unless it is the first; `.end` at the closing brace.
    mutating func next(first: Bool) -> CanonicalMemberStep {
        if take(UInt8(ascii: "}")) { return .end }
        if !first, !take(UInt8(ascii: ",")) { return .invalid }
        guard let name = string(), take(UInt8(ascii: ":")) else { return .invalid }
        return .member(name)
    }
}

/// The value of a lowercase hexadecimal digit.
func canonicalHexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    default: nil
    }
}
