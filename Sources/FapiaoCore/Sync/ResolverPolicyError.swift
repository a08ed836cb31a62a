/// Why a resolver setting was refused.
public struct ResolverPolicyError: CategorizedError, Hashable, Sendable, CustomStringConvertible {
    /// One sentence naming the field and the rule it breaks.
    public var message: String

    /// Creates an error with `message`.
    public init(message: String) {
        self.message = message
    }

    /// The message, for a person.
    public var description: String { message }
}

extension ResolverPolicyError {
    /// A resolver policy is a setting: a wrong one is a usage error.
    public var category: ErrorCategory { .usage }
}
