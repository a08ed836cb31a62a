/// Why a profile file could not be read: the member path and the rule it breaks.
public struct ProfileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var profile: String
    public var message: String

    public init(profile: String, message: String) {
        self.profile = profile
        self.message = message
    }

    public var description: String { "Profile \(profile): \(message)" }
}

extension ProfileError: CategorizedError {
    /// An unknown profile name or a bad branch value is a usage error.
    public var category: ErrorCategory { .usage }
}
