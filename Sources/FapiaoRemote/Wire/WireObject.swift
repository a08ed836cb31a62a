import FapiaoCore
import Foundation

/// Reading helpers over a parsed JSON object, each failure naming the field.
public struct WireObject: Sendable {
    public let members: [String: JSONValue]
    let context: String

    public init(_ value: JSONValue, context: String) throws(WireError) {
        guard case .object(let list) = value else { throw WireError("\(context) must be a JSON object") }
        var members: [String: JSONValue] = [:]
        for member in list { members[member.key] = member.value }
        self.members = members
        self.context = context
    }

    public func value(_ key: String) throws(WireError) -> JSONValue {
        guard let value = members[key] else { throw WireError("\(context).\(key) is missing") }
        return value
    }

    public func string(_ key: String) throws(WireError) -> String {
        guard case .string(let text) = try value(key) else { throw WireError("\(context).\(key) must be a string") }
        return text
    }

    public func optionalString(_ key: String) throws(WireError) -> String? {
        guard let value = members[key], value != .null else { return nil }
        guard case .string(let text) = value else { throw WireError("\(context).\(key) must be a string") }
        return text
    }

    public func uuid(_ key: String) throws(WireError) -> UUID {
        guard let id = UUID(uuidString: try string(key)) else { throw WireError("\(context).\(key) must be a UUID") }
        return id
    }

    public func integer(_ key: String) throws(WireError) -> Int64 {
        guard case .number(let text) = try value(key), let number = Int64(text) else {
            throw WireError("\(context).\(key) must be an integer")
        }
        return number
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
