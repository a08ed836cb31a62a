import Foundation

extension UUID {
    /// The UUID of sixteen zero bytes.
    static let `nil` = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The same text as `uuidString` (upper-case hex in groups of 8-4-4-4-12), written here
    /// instead of through Foundation, whose formatter costs a `snprintf` per call: a sync writes
    /// and hashes some twenty of them per operation, and the text must stay byte for byte the one
    /// that stored rows and hashes were made with.
    public var uuidText: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            writeText(into: buffer)
            return 36
        }
    }

    /// Appends ``uuidText`` in quotes, as canonical JSON writes that string (it holds nothing
    /// to escape), without making the string: the audit chain and the wire write two per entry.
    public func writeQuotedText(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: 36))
        out.withUnsafeMutableBufferPointer { buffer in
            writeText(into: UnsafeMutableBufferPointer(rebasing: buffer[start..<start + 36]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes ``uuidText``'s 36 bytes at the start of `buffer` (which holds at least 36).
    private func writeText(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        precondition(buffer.count >= 36)
        guard let out = buffer.baseAddress else { return }
        // Digits by arithmetic, not from a table: '0'...'9' are 0x30..., 'A'...'F' 0x41... .
        @inline(__always) func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? nibble &+ 0x30 : nibble &+ 0x37 }
        withUnsafeBytes(of: uuid) { bytes in
            // Each byte's two digits at a fixed place, the dashes between: written out rather
            // than looped, so no place is computed or compared (the centre writes some sixteen
            // ids per pushed operation, the branch as many).
            @inline(__always) func pair(_ position: Int, at place: Int) {
                let byte = bytes[position]
                out[place] = digit(byte >> 4)
                out[place + 1] = digit(byte & 0x0F)
            }
            pair(0, at: 0)
            pair(1, at: 2)
            pair(2, at: 4)
            pair(3, at: 6)
            out[8] = UInt8(ascii: "-")
            pair(4, at: 9)
            pair(5, at: 11)
            out[13] = UInt8(ascii: "-")
            pair(6, at: 14)
            pair(7, at: 16)
            out[18] = UInt8(ascii: "-")
            pair(8, at: 19)
            pair(9, at: 21)
            out[23] = UInt8(ascii: "-")
            pair(10, at: 24)
            pair(11, at: 26)
            pair(12, at: 28)
            pair(13, at: 30)
            pair(14, at: 32)
            pair(15, at: 34)
        }
    }

    /// Reads a UUID as `UUID(uuidString:)` does: the 36-character form (hex digits of either
    /// case, dashes at 8, 13, 18 and 23) is read here, without Foundation's `sscanf`; any other
    /// text is handed to Foundation, so exactly what parsed before parses now.
    public init?(uuidText text: String) {
        var bytes: uuid_t = UUID.nil.uuid
        var text = text
        // Read through the string's contiguous UTF-8, two hex digits a byte: the dashes fall
        // between the pairs.
        let parsed: Bool = text.withUTF8 { input in
            guard input.count == 36 else { return false }
            return withUnsafeMutableBytes(of: &bytes) { out in
                var position = 0
                var written = 0
                while position < 36 {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        guard input[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                        continue
                    }
                    guard let high = HexText.value(input[position]), let low = HexText.value(input[position + 1])
                    else { return false }
                    out[written] = high << 4 | low
                    written += 1
                    position += 2
                }
                return true
            }
        }
        guard parsed else {
            guard let foundation = UUID(uuidString: text) else { return nil }
            self = foundation
            return
        }
        self.init(uuid: bytes)
    }
}

extension CanonicalJSON {
    /// Appends an optional UUID as canonical JSON writes `.optional(id?.uuidText)`: its text in
    /// quotes, or `null`.
    public static func writeUUID(_ id: UUID?, into out: inout [UInt8]) {
        guard let id else {
            out.append(contentsOf: "null".utf8)
            return
        }
        id.writeQuotedText(into: &out)
    }
}
