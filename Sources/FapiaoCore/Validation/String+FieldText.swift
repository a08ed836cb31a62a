/// How the validator reads a field's text: control characters found, surrounding whitespace trimmed.
extension String {
    /// Whether the text has a C0 control, DEL or a C1 control (U+0080–U+009F, NEL among them):
    /// none is text a person typed.
    ///
    /// Read on the UTF-8 bytes: C0 and DEL are single bytes, and a C1 control is the only scalar
    /// encoded as 0xC2 followed by 0x80–0x9F.
    var containsControlCharacter: Bool {
        var text = self
        return text.withUTF8 { bytes in
            var previous: UInt8 = 0
            for byte in bytes {
                if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte <= 0x9F && byte >= 0x80) { return true }
                previous = byte
            }
            return false
        }
    }

    func trimmingSpaces() -> String {
        // Fast path: printable ASCII at both ends cannot be whitespace.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return self
        }
        // Nor can a CJK ideograph (the names and descriptions typed here): no scalar before one
        // joins it into a character but a prefix mark, which is not whitespace either.
        if let first = unicodeScalars.first, let last = unicodeScalars.last, first.isPlainEnd, last.isPlainEnd {
            return self
        }
        return trimmingSpacesByCharacter()
    }

    /// The characters between the first and the last that are not whitespace: what
    /// ``trimmingSpaces()`` gives, found the long way.
    func trimmingSpacesByCharacter() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        guard let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        if first == startIndex && last == index(before: endIndex) { return self }
        return String(self[first...last])
    }
}

extension Unicode.Scalar {
    /// Printable ASCII, or a CJK ideograph (the unified blocks and extension A).
    var isPlainEnd: Bool {
        (0x21...0x7E).contains(value) || (0x3400...0x4DBF).contains(value) || (0x4E00...0x9FFF).contains(value)
    }
}
