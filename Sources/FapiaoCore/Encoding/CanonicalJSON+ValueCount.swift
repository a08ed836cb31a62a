extension CanonicalJSON {
    /// How many JSON values `bytes` hold: objects, arrays, strings, numbers and literals, not
    /// member names, as the parser counts them against ``JSONValue/Limits/maximumValues``.
    ///
    /// `bytes` are one value without whitespace, as ``write(into:)`` writes it; other bytes give
    /// a count of no meaning, but never a crash.
    public static func valueCount(inCanonical bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                index += 1
                // A string followed by a colon is a member's name.
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                    index += 1
                } else {
                    count += 1
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                count += 1
                index += 1
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"):
                index += 1
            default:
                // A number or a literal, up to what ends it.
                count += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}"),
                    bytes[index] != UInt8(ascii: "]")
                {
                    index += 1
                }
            }
        }
        return count
    }
}
