/// A parsed JSON document that keeps numbers as their exact source text.
///
/// Input files are parsed with ``JSONValue/parse(_:)`` rather than `JSONDecoder` so that
/// an amount given as a JSON number can be named and refused instead of silently passing
/// through `Double`, members keep their order for messages, and duplicate keys are caught.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number, exactly as written.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order.
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.elementsEqual(b) { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let members):
            for member in members {
                hasher.combine(member.key)
                hasher.combine(member.value)
            }
        }
    }

    /// Why a document could not be parsed.
    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The zero-based byte offset where parsing stopped.
        public var offset: Int
        /// What was expected there.
        public var expected: String

        /// Whether the input was not UTF-8 text at ``offset`` (never stored as replacement characters).
        public var notUTF8 = false
        /// Whether the document is well formed so far but goes past one of the ``Limits``
        /// (``expected`` then names the limit).
        public var exceedsLimit = false

        public init(offset: Int, expected: String, notUTF8: Bool = false, exceedsLimit: Bool = false) {
            self.offset = offset
            self.expected = expected
            self.notUTF8 = notUTF8
            self.exceedsLimit = exceedsLimit
        }

        public var description: String {
            if notUTF8 {
                return "the text is not UTF-8 (byte \(offset + 1) is not a UTF-8 character; GBK or another encoding?); "
                    + "save it as UTF-8"
            }
            if exceedsLimit { return "the document goes past a limit at byte \(offset + 1): \(expected)" }
            return "malformed JSON at byte \(offset + 1): expected \(expected)"
        }
    }

    /// How much one document may hold, so reading it costs bounded work whoever wrote it.
    public struct Limits: Hashable, Sendable {
        /// Levels of nesting.
        public var maximumDepth: Int
        /// Members of one object.
        public var maximumMembers: Int
        /// Elements of one array.
        public var maximumElements: Int
        /// Bytes of one string (UTF-8, after escapes).
        public var maximumStringBytes: Int
        /// Values in the whole document: every object, array, string, number and literal.
        ///
        /// Each parsed value costs tens of bytes, so a body of `[0,0,…]` would otherwise cost
        /// some fifteen times its size in memory.
        public var maximumValues: Int

        public init(
            maximumDepth: Int = 64,
            maximumMembers: Int = .max,
            maximumElements: Int = .max,
            maximumStringBytes: Int = .max,
            maximumValues: Int = .max
        ) {
            self.maximumDepth = maximumDepth
            self.maximumMembers = maximumMembers
            self.maximumElements = maximumElements
            self.maximumStringBytes = maximumStringBytes
            self.maximumValues = maximumValues
        }

        /// Nesting bounded at 64 levels; sizes bounded only by the input.
        public static let standard = Limits()
    }

    /// A short name of the value's JSON type, for messages ("a number").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Parses one JSON document (surrounding whitespace allowed, nothing after it).
    ///
    /// Text that is not UTF-8 is refused before parsing, naming the first byte that is not.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        limits: Limits = .standard
    ) throws(SyntaxError) -> JSONValue {
        let bytes = Array(bytes)
        if let offset = firstInvalidUTF8(in: bytes) {
            throw SyntaxError(offset: offset, expected: "UTF-8 text", notUTF8: true)
        }
        var parser = JSONParser(bytes: bytes, limits: limits)
        return try parser.parseDocument()
    }

    /// A member of the elements of an array member of the document's root object,
    /// `{"array": [{"member": …}, …]}`, or those elements themselves (`member` `nil`).
    public struct ElementMemberPath: Hashable, Sendable {
        public var array: String
        public var member: String?

        public init(array: String, member: String) {
            self.array = array
            self.member = member
        }

        /// The elements of the root's `array` themselves: `{"array": [ELEMENT, …]}`.
        public init(elementsOf array: String) {
            self.array = array
            self.member = nil
        }
    }

    /// The offset of the first byte of `bytes` that does not start or continue a valid UTF-8
    /// character, or `nil` when all of it is UTF-8.
    public static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        // Fast path: ASCII and valid text, checked by the standard library a mebibyte at a time
        // (each slice cut where a character starts), so a large body is never copied whole.
        var start = 0
        while start < bytes.count {
            let limit = min(start + (1 << 20), bytes.count)
            var end = limit
            while end > start, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            if end == start { end = limit }
            guard String(validating: bytes[start..<end], as: UTF8.self) != nil else { break }
            start = end
        }
        if start == bytes.count { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// Parses one JSON document from a string.
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue { try parse(Array(text.utf8)) }
}
