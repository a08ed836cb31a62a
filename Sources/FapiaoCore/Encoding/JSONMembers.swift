/// The members of a parsed JSON object, looked up by name.
///
/// The objects of an invoice, an operation or an audit entry are small and are read by the
/// thousand in every push: a name is found by comparing it with each member's, which costs
/// less than hashing every name into a dictionary first. An object with more than
/// ``searchedInOrder`` members (a hostile document may hold 300,000) is indexed once instead,
/// so a look-up never costs more than linear time overall.
public struct JSONMembers: Sendable {
    /// The members in document order.
    public let list: [(key: String, value: JSONValue)]
    private let index: [String: JSONValue]?

    /// Objects up to this many members are searched in order.
    public static let searchedInOrder = 32

    public init(_ list: [(key: String, value: JSONValue)]) {
        self.list = list
        self.index = list.count > Self.searchedInOrder ? Self.dictionary(list) : nil
    }

    /// The members of `value` when it is an object, else `nil`.
    public init?(_ value: JSONValue?) {
        guard case .object(let list)? = value else { return nil }
        self.init(list)
    }

    /// The member named `key`; of a repeated name (never in a parsed document), the last.
    public subscript(key: String) -> JSONValue? {
        if let index { return index[key] }
        return list.last { $0.key == key }?.value
    }

    /// The members by name, a repeated name keeping its last value.
    public var dictionary: [String: JSONValue] { index ?? Self.dictionary(list) }

    private static func dictionary(_ list: [(key: String, value: JSONValue)]) -> [String: JSONValue] {
        Dictionary(list.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
