import Foundation

extension UUID {
    /// The UUID of sixteen zero bytes.
    static let `nil` = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)

    /// The same text as `uuidString` (upper-case hex in groups of 8-4-4-4-12), written here
    /// instead of through Foundation, whose formatter costs a `snprintf` per call: a sync writes
    /// and hashes some twenty of them per operation, and the text must stay byte for byte the one
    /// that stored rows and hashes were made with.
    public var uuidText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { buffer in
                var index = 0
                for (position, byte) in bytes.enumerated() {
                    if position == 4 || position == 6 || position == 8 || position == 10 {
                        buffer[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    buffer[index] = Self.upperHexDigits[Int(byte >> 4)]
                    buffer[index + 1] = Self.upperHexDigits[Int(byte & 0x0F)]
                    index += 2
                }
                return index
            }
        }
    }

    /// Reads a UUID as `UUID(uuidString:)` does: the 36-character form (hex digits of either
    /// case, dashes at 8, 13, 18 and 23) is read here, without Foundation's `sscanf`; any other
    /// text is handed to Foundation, so exactly what parsed before parses now.
    public init?(uuidText text: String) {
        var bytes: uuid_t = UUID.nil.uuid
        let parsed: Bool = withUnsafeMutableBytes(of: &bytes) { out in
            var utf8 = text.utf8.makeIterator()
            var count = 0
            var written = 0
            var high: UInt8?
            while let character = utf8.next() {
                defer { count += 1 }
                if count == 8 || count == 13 || count == 18 || count == 23 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                guard count < 36, let nibble = HexText.value(character) else { return false }
                if let first = high {
                    out[written] = first << 4 | nibble
                    written += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return count == 36 && written == 16
        }
        guard parsed else {
            guard let foundation = UUID(uuidString: text) else { return nil }
            self = foundation
            return
        }
        self.init(uuid: bytes)
    }
}
