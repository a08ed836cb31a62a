/// What a Chinese input method types, made what the rules read (DESIGN §3).
///
/// Full-width forms (U+FF01–FF5E: `９１３５`, `Ａ`, `．`) become their ASCII twins and the
/// ideographic space U+3000 a space. Codes, numbers and tax IDs are also upper-cased; names
/// and notes are never touched. The raw text of every field that changed is kept in the
/// capture's audit entry (``ValidatedInvoice/normalised``).
public enum HalfWidth {
    /// Header fields whose text is normalised, and whether each is also upper-cased.
    static let headerFields: [String: Bool] = [
        "kind": false, "type": false, "code": true, "number": true, "originalNumber": true, "issueDate": false,
        "seller.taxID": true, "buyer.taxID": true, "net": false, "taxRate": false, "tax": false,
        "gross": false, "currency": false, "checkCode": true, "redConfirmation": true, "originalCode": true,
        "originalIssueDate": false, "originalNet": false, "originalTax": false, "originalGross": false,
    ]

    /// Line fields whose text is normalised (amounts only).
    static let lineFields: Set<String> = ["quantity", "unitPrice", "net", "taxRate", "tax"]

    /// `text` with full-width forms made half-width, upper-cased when asked.
    public static func normalise(_ text: String, upperCase: Bool) -> String {
        // Fast path: plain ASCII needs at most upper-casing.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return upperCase && text.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") })
                ? text.uppercased() : text
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(UInt8(scalar.value - 0xFEE0)))
            case 0x3000: scalars.append(" ")
            default: scalars.append(scalar)
            }
        }
        let half = String(scalars)
        return upperCase ? half.uppercased() : half
    }

    /// Normalises the fields of `input` that carry codes, numbers and amounts.
    ///
    /// - Returns: the raw text of each field that changed, by field path (`lines[2].net`).
    static func normalise(_ input: inout InvoiceInput) -> [String: String] {
        var raw: [String: String] = [:]
        // Walk the fields given, not the fields normalised: most values are plain ASCII with nothing
        // to change, which a scan of their bytes shows without looking the field up.
        var changed: [(field: String, value: String)] = []
        for (field, value) in input.fields where mightChange(value) {
            guard let upperCase = headerFields[field] else { continue }
            let normalised = normalise(value, upperCase: upperCase)
            if normalised != value {
                raw[field] = value
                changed.append((field, normalised))
            }
        }
        for (field, normalised) in changed { input.fields[field] = normalised }
        for index in input.lines.indices {
            for (field, value) in input.lines[index] where mightChange(value) && lineFields.contains(field) {
                let normalised = normalise(value, upperCase: false)
                if normalised != value {
                    raw["lines[\(index + 1)].\(field)"] = value
                    input.lines[index][field] = normalised
                }
            }
        }
        return raw
    }

    /// Whether ``normalise(_:upperCase:)`` could change `text`: it has a byte outside ASCII or a
    /// lowercase ASCII letter.
    static func mightChange(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.contains { $0 >= 0x80 || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }
        }
    }
}
