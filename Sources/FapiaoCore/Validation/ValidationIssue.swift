/// One broken rule: the field, a stable rule code for scripts, and the rule in words.
public struct ValidationIssue: Hashable, Sendable, CustomStringConvertible {
    /// The field's path as in the file formats (`seller.taxID`, `lines[2].tax`).
    public var field: String
    /// A stable, machine-readable name of the rule (`checkCharacter`, `grossMismatch`).
    public var rule: String
    /// The rule as words that follow the field name ("must not be empty").
    public var message: String

    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }

    /// The field followed by the rule, such as `net must not be negative`.
    public var description: String { "\(field) \(message)" }
}
