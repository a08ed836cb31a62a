import Foundation
import Schema

extension Profile {
    /// The profile a journal made without `--profile` (or before profiles existed) invoices under.
    public static let defaultName = "cn-digital"

    /// The names of the profiles built into this binary, sorted.
    public static var builtInNames: [String] { Schema.profiles.keys.sorted() }

    /// The built-in profile called `name`.
    /// - Throws: ``ProfileError`` when there is none, or when its file does not read (a build defect).
    public static func builtIn(_ name: String) throws(ProfileError) -> Profile {
        guard let text = Schema.profiles[name] else {
            throw ProfileError(
                profile: name,
                message: "is not a known profile; use one of \(builtInNames.joined(separator: ", "))"
            )
        }
        return try Profile(json: text, expectedName: name)
    }
}
