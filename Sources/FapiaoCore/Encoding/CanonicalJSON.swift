/// A JSON value with one byte-exact serialization, used wherever bytes are hashed.
///
/// Object keys are written in ascending order of their UTF-8 bytes, strings escape only
/// what JSON requires (`"`, `\`, control characters), and there are no floating-point
/// numbers at all: amounts travel as decimal strings. Two equal values therefore always
/// serialize to the same bytes, on every platform and toolchain, which is what the
/// payload hashes and the audit chain rely on.
public enum CanonicalJSON: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The canonical serialization as UTF-8 bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    /// The canonical serialization as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends the canonical serialization to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value):
            out.append(contentsOf: String(value).utf8)
        case .string(let value):
            Self.writeString(value, into: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // The members themselves are sorted, not their keys: no key is hashed again to find
            // its value.
            for (index, member) in Self.sortedMembers(members).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The members of an object in ascending order of their keys' UTF-8 bytes.
    ///
    /// For ASCII keys (every key Fapiao writes) String's own `<` gives that order and is much
    /// faster than comparing UTF-8 views; any other key set is compared byte by byte.
    static func sortedMembers<Value>(_ members: [String: Value]) -> [(key: String, value: Value)] {
        if members.keys.allSatisfy(\.isPlainASCII) { return members.sorted { $0.key < $1.key } }
        return members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// Appends `"key":`, after a comma unless it is the object's first member, which opens the
    /// object: for writers that emit a fixed set of members in their canonical (byte) order
    /// instead of building a dictionary and sorting it.
    public static func writeName(_ key: StaticString, first: Bool = false, into out: inout [UInt8]) {
        out.append(UInt8(ascii: first ? "{" : ","))
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        // Byte by byte: an array literal here would be allocated for every member written.
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    /// Appends `value` as a canonical JSON string (quoted, escaping only what JSON requires).
    public static func writeString(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Scanned and copied through the string's contiguous UTF-8 storage, never byte by byte
        // through its UTF-8 view: the runs between escapes are copied whole. Most strings are
        // one run; an audit entry's details, itself JSON, has a quote every few bytes.
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            while let index = firstByteNeedingEscape(in: bytes, from: runStart, to: bytes.count) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                writeEscape(bytes[index], into: &out)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether JSON requires `byte` escaped in a string: a quote, a backslash, a control character.
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// The index of the first byte in `start..<end` that ``needsEscape(_:)``, or `nil`: the end
    /// of a run of plain string bytes, for the writer and for ``JSONParser``.
    ///
    /// Eight bytes at a time while none of them does (the bit tricks of "Bit Twiddling Hacks",
    /// "Determine if a word has a byte less than n" and "… equal to n": exact for whether any
    /// byte of the word matches), then byte by byte.
    @inline(__always)
    static func firstByteNeedingEscape(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        precondition(0 <= start && end <= bytes.count)
        var index = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            func hasByteBelow(_ word: UInt64, _ limit: UInt8) -> Bool {
                (word &- ones &* UInt64(limit)) & ~word & highs != 0
            }
            while index + 8 <= end {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if hasByteBelow(word, 0x20) || hasByteBelow(word ^ (ones &* 0x22), 1)
                    || hasByteBelow(word ^ (ones &* 0x5C), 1)
                {
                    break
                }
                index += 8
            }
        }
        while index < end {
            if needsEscape(bytes[index]) { return index }
            index += 1
        }
        return nil
    }

    /// Appends the escape of a byte ``needsEscape(_:)`` accepts: its short form, else `\u00XX`.
    private static func writeEscape(_ byte: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            out.append(byte)
        case 0x0A:
            out.append(UInt8(ascii: "n"))
        case 0x0D:
            out.append(UInt8(ascii: "r"))
        case 0x09:
            out.append(UInt8(ascii: "t"))
        default:
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
    }
}

extension String {
    /// Whether every byte is ASCII without control characters: such strings sort in byte order
    /// with `<` (no normalisation can reorder them).
    var isPlainASCII: Bool { utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
}

extension CanonicalJSON {
    /// The member named `key` when this is an object, else `nil`.
    public subscript(key: String) -> CanonicalJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The string value, when this is a string.
    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// The integer value, when this is an integer.
    public var integerValue: Int64? {
        guard case .integer(let value) = self else { return nil }
        return value
    }

    /// A string, or `null` when `value` is `nil`.
    public static func optional(_ value: String?) -> CanonicalJSON {
        value.map(CanonicalJSON.string) ?? .null
    }
}

extension CanonicalJSON {
    /// Converts a parsed document; numbers that are not integers become strings.
    public init(json value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let text): self = Int64(text).map(CanonicalJSON.integer) ?? .string(text)
        case .string(let text): self = .string(text)
        case .array(let values): self = .array(values.map(CanonicalJSON.init(json:)))
        case .object(let members):
            self = .object(
                Dictionary(
                    members.map { ($0.key, CanonicalJSON(json: $0.value)) },
                    uniquingKeysWith: { _, last in last }
                )
            )
        }
    }
}
