import FapiaoCore
import Foundation

/// Reading helpers over a parsed JSON object, each failure naming the field.
public struct WireObject: Sendable {
    let object: JSONMembers
    /// Where the object is, for messages: `base`, or `base[index]` for an element of an array.
    let base: String
    let index: Int?

    /// Where the object is, for messages (`operations[3]`).
    ///
    /// Written only when a message needs it: a push reads thousands of elements and almost
    /// never fails.
    public var context: String { index.map { "\(base)[\($0)]" } ?? base }

    /// Reads `value` as an object.
    ///
    /// - Parameters:
    ///   - value: the object.
    ///   - context: where it is, for messages; with `index`, the array it is an element of.
    ///   - index: its index in that array.
    /// - Throws: ``WireError`` when `value` is not an object.
    public init(_ value: JSONValue, context: String, index: Int? = nil) throws(WireError) {
        self.base = context
        self.index = index
        guard let object = JSONMembers(value) else {
            throw WireError("\(index.map { "\(context)[\($0)]" } ?? context) must be a JSON object")
        }
        self.object = object
    }

    /// The members by name; a repeated name (never in a parsed document) keeps its last value.
    public var members: [String: JSONValue] { object.dictionary }

    /// The member named `key`, or `nil`.
    public subscript(key: String) -> JSONValue? { object[key] }

    public func value(_ key: String) throws(WireError) -> JSONValue {
        guard let value = self[key] else { throw WireError("\(context).\(key) is missing") }
        return value
    }

    public func string(_ key: String) throws(WireError) -> String {
        guard case .string(let text) = try value(key) else { throw WireError("\(context).\(key) must be a string") }
        return text
    }

    public func optionalString(_ key: String) throws(WireError) -> String? {
        guard let value = self[key], value != .null else { return nil }
        guard case .string(let text) = value else { throw WireError("\(context).\(key) must be a string") }
        return text
    }

    public func uuid(_ key: String) throws(WireError) -> UUID {
        guard let id = UUID(uuidText: try string(key)) else { throw WireError("\(context).\(key) must be a UUID") }
        return id
    }

    /// An integer, also when written with a zero fraction or an exponent (`3713.0`, `1e3`),
    /// as JSON Schema counts them.
    public func integer(_ key: String) throws(WireError) -> Int64 {
        guard case .number(let text) = try value(key), let number = Self.integer(text) else {
            throw WireError("\(context).\(key) must be an integer")
        }
        return number
    }

    static func integer(_ text: String) -> Int64? {
        if let number = Int64(text) { return number }
        // Bounded before conversion: a number text this long is no Int64 however it is written.
        guard text.utf8.count <= 40, var value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
            !value.isNaN, value >= Decimal(Int64.min), value <= Decimal(Int64.max)
        else { return nil }
        var whole = Decimal()
        NSDecimalRound(&whole, &value, 0, .plain)
        guard whole == value else { return nil }
        return NSDecimalNumber(decimal: value).int64Value
    }

    public func bool(_ key: String) throws(WireError) -> Bool {
        guard case .bool(let flag) = try value(key) else { throw WireError("\(context).\(key) must be true or false") }
        return flag
    }

    public func array(_ key: String) throws(WireError) -> [JSONValue] {
        guard case .array(let values) = try value(key) else { throw WireError("\(context).\(key) must be an array") }
        return values
    }

    public func clock(_ key: String) throws(WireError) -> VectorClock {
        guard let clock = VectorClock(json: try value(key)) else {
            throw WireError(
                "\(context).\(key) must be a vector clock such as {\"bj-01\":2}, each counter an integer from 0 to "
                    + "\(VectorClock.maximumCounter)"
            )
        }
        return clock
    }
}
