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
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    /// Appends `value` as a canonical JSON string (quoted, escaping only what JSON requires).
    public static func writeString(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape at all: copy them whole, scanned and copied through their
        // contiguous storage rather than byte by byte through the UTF-8 view.
        var value = value
        let copied = value.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
            else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"):
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
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
