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

/// Every rule one invoice breaks, reported together so a clerk can fix them in one pass.
public struct ValidationFailure: CategorizedError, Hashable, Sendable, CustomStringConvertible {
    /// The broken rules, in field order.
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    /// One sentence naming every field and rule.
    public var description: String {
        switch issues.count {
        case 0: "The invoice is invalid."
        case 1: "Invalid invoice: \(issues[0])."
        default: "Invalid invoice, \(issues.count) problems: " + issues.map(\.description).joined(separator: "; ") + "."
        }
    }
}

extension ValidationFailure {
    public var category: ErrorCategory { .invalidData }
}
