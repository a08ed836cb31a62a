import FapiaoCore

/// A `--remote` or `--store` location that cannot be used, naming the option and the rule.
public struct RemoteLocationError: CategorizedError, Hashable, Sendable {
    /// The option the location was given with (`--remote`, `--store`).
    public var option: String
    /// One sentence: the rule the location breaks, with an example of a good one.
    public var message: String

    public init(_ option: String, _ rule: String) {
        self.option = option
        self.message = "\(option) \(rule)."
    }

    public var description: String { message }
    public var category: ErrorCategory { .usage }
}
