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
