/// A node name that does not follow ``NodeName``'s rule.
public struct NodeNameError: CategorizedError, Hashable, Sendable {
    /// The name as given.
    public var name: String
    /// What the name is, as the message calls it (`node`, `--node`).
    public var field: String

    public init(name: String, field: String) {
        self.name = name
        self.field = field
    }

    /// One sentence: the field, the name (quoted, control characters escaped, cut at 64
    /// characters) and the rule.
    public var message: String {
        let shown = name.count > 64 ? String(name.prefix(64)) + "…" : name
        return "\(field) \(String(reflecting: shown)) must be \(NodeName.rule) (for example \(NodeName.example))."
    }

    public var description: String { message }

    /// A malformed name is a usage error: nothing was changed.
    public var category: ErrorCategory { .usage }
}
