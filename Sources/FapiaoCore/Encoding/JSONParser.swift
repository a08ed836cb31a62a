import Foundation

/// The reader behind ``JSONValue/parse(_:)``: one pass over the bytes, nesting bounded,
/// duplicate member names caught.
struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0
    var valueCount = 0
    let limits: JSONValue.Limits
    /// The member ``memberReader`` is given the first go at (see ``JSONValue/ElementMemberPath``).
    let memberPath: JSONValue.ElementMemberPath?
    /// Whether the value being read is the root's member `memberPath.array`.
    var inMemberArray = false
    /// The index of the element of that array being read, while one is.
    var memberElement: Int?
    /// Reads `memberPath.member` in place of the parser where it can (see ``readWhole(element:)``).
    let memberReader: JSONValue.MemberReader?

    init(
        bytes: [UInt8],
        limits: JSONValue.Limits,
        memberPath: JSONValue.ElementMemberPath? = nil,
        memberReader: JSONValue.MemberReader? = nil
    ) {
        self.bytes = bytes
        self.limits = limits
        self.memberPath = memberPath
        self.memberReader = memberReader
    }

    mutating func parseDocument() throws(JSONValue.SyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("end of input") }
        return value
    }

    func fail(_ expected: String) -> JSONValue.SyntaxError { .init(offset: index, expected: expected) }

    func overLimit(_ limit: String) -> JSONValue.SyntaxError {
        .init(offset: index, expected: limit, exceedsLimit: true)
    }

    mutating func skipWhitespace() {
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D
                || bytes[index] == 0x09
        {
            index += 1
        }
    }

    mutating func parseValue() throws(JSONValue.SyntaxError) -> JSONValue {
        guard index < bytes.count else { throw fail("a value") }
        valueCount += 1
        guard valueCount <= limits.maximumValues else {
            throw overLimit("at most \(limits.maximumValues) values in the document")
        }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("a value")
        }
    }

    mutating func parseLiteral(_ word: String, _ value: JSONValue) throws(JSONValue.SyntaxError) -> JSONValue {
        for byte in word.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw fail("'\(word)'") }
            index += 1
        }
        return value
    }

    mutating func parseNumber() throws(JSONValue.SyntaxError) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a digit") }
        if bytes[index] == UInt8(ascii: "0"), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            throw fail("no leading zero")
        }
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a digit") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a digit") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    mutating func parseString() throws(JSONValue.SyntaxError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes. The bytes are scanned through the buffer, eight at a time,
        // up to the first byte that needs a decision.
        let maximum = limits.maximumStringBytes
        index = bytes.withUnsafeBufferPointer { buffer in
            CanonicalJSON.firstByteNeedingEscape(in: buffer, from: start, to: buffer.count) ?? buffer.count
        }
        guard index - start <= maximum else {
            index = start + maximum + 1  // where the error says reading stopped: one byte past the limit
            throw overLimit("a string of at most \(maximum) bytes")
        }
        if index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            guard byte >= 0x20 else { throw fail("no raw control character inside a string") }
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            guard out.count <= limits.maximumStringBytes else {
                throw overLimit("a string of at most \(limits.maximumStringBytes) bytes")
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("an escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw fail("a low surrogate") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("a valid unicode escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw fail("a valid escape")
                }
            default:
                guard byte >= 0x20 else { throw fail("no raw control character inside a string") }
                // The plain run from here to the next byte that needs a decision, appended at
                // once (an audit entry's details, JSON in a string, escapes a quote every few
                // bytes). It stops one byte past the limit at most, as appending byte by byte
                // did, so the check above refuses the same strings with the same message.
                let room = maximum - out.count  // at least 0: checked above (and no overflow at Int.max)
                let end = room >= bytes.count - index ? bytes.count : index + room + 1
                let runEnd = bytes.withUnsafeBufferPointer { buffer in
                    CanonicalJSON.firstByteNeedingEscape(in: buffer, from: index + 1, to: end) ?? end
                }
                out.append(contentsOf: bytes[index..<runEnd])
                index = runEnd
            }
        }
        throw fail("a closing quote")
    }

    mutating func parseHex4() throws(JSONValue.SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw fail("4 hex digits") }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("4 hex digits")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    mutating func parseArray() throws(JSONValue.SyntaxError) -> JSONValue {
        depth += 1
        guard depth <= limits.maximumDepth else { throw fail("at most \(limits.maximumDepth) levels of nesting") }
        defer { depth -= 1 }
        index += 1
        var values: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            guard values.count < limits.maximumElements else {
                throw overLimit("an array of at most \(limits.maximumElements) elements")
            }
            if inMemberArray, depth == 2, memberPath?.member == nil {
                if let length = readWhole(element: values.count) {
                    index += length
                    values.append(.null)  // kept by the member reader
                } else {
                    values.append(try parseValue())
                }
            } else if inMemberArray, depth == 2 {
                // The elements' own arrays and objects are deeper: only they look at memberElement.
                memberElement = values.count
                values.append(try parseValue())
                memberElement = nil
            } else {
                values.append(try parseValue())
            }
            skipWhitespace()
            guard index < bytes.count else { throw fail("',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw fail("',' or ']'") }
            index += 1
            return .array(values)
        }
    }

    /// Up to this many members, a new member's name is compared with each earlier one.
    static let membersSearchedInOrder = 16

    mutating func parseObject() throws(JSONValue.SyntaxError) -> JSONValue {
        depth += 1
        guard depth <= limits.maximumDepth else { throw fail("at most \(limits.maximumDepth) levels of nesting") }
        defer { depth -= 1 }
        index += 1
        var members: [(key: String, value: JSONValue)] = []
        // Names seen so far, kept once the object has more than a few members: a duplicate is
        // then found in constant time, so an object with many members (a hostile body with
        // 300,000 keys) costs linear time, not quadratic. The small objects every document is
        // made of are searched member by member instead, without hashing a name.
        var names = Set<String>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("a member name in quotes") }
            let keyOffset = index
            let key = try parseString()
            let isDuplicate: Bool
            if members.count < Self.membersSearchedInOrder {
                isDuplicate = members.contains { $0.key == key }
            } else {
                if names.isEmpty { names = Set(members.lazy.map(\.key)) }
                isDuplicate = !names.insert(key).inserted
            }
            guard !isDuplicate else {
                throw JSONValue.SyntaxError(offset: keyOffset, expected: "no second member named \(key.quotedExcerpt)")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("':'") }
            index += 1
            skipWhitespace()
            guard members.count < limits.maximumMembers else {
                throw overLimit("an object of at most \(limits.maximumMembers) members")
            }
            if let memberPath, depth == 1, key == memberPath.array {
                inMemberArray = true
                members.append((key, try parseValue()))
                inMemberArray = false
            } else if let memberPath, depth == 3, let element = memberElement, key == memberPath.member {
                memberElement = nil  // nothing inside the member is an element of the array
                if let length = readWhole(element: element) {
                    index += length
                    members.append((key, .null))  // kept by the member reader
                } else {
                    members.append((key, try parseValue()))
                }
                memberElement = element
            } else {
                members.append((key, try parseValue()))
            }
            skipWhitespace()
            guard index < bytes.count else { throw fail("',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw fail("',' or '}'") }
            index += 1
            return .object(members)
        }
    }
}
