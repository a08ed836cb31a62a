/// The one rule for a node's name, the same for `fapiao init`, `fapiao-central token add`, the
/// tokens file, the HTTP API and the central stores: 1 to 63 lower-case letters, digits or `-`,
/// not starting with `-` (`bj-chaoyang-01`, `central`).
///
/// A node's name travels in vector clocks, audit entries, URLs and file names, so it is kept to
/// characters that need no quoting anywhere and read the same in every case-folding file system.
///
/// Before this rule the API and the tokens file took a wider form (up to 64 of `A-Z a-z 0-9 . _ -`,
/// starting with a letter or digit) while a journal took only this one, so HQ could issue a
/// token no branch could use. Branches never had any other name, so every branch name on the
/// wire and in a store already follows the rule. The centre's own node (`--node`, `central` by
/// default) is the one name an earlier store may hold in the wider form: ``isCentreNode(_:)``
/// keeps such a store and its tokens file opening, and nothing new can be named that way.
public enum NodeName {
    /// The rule, as messages state it.
    public static let rule = "1 to 63 lower-case letters, digits or '-', not starting with '-'"

    /// A name that follows the rule, for messages.
    public static let example = "bj-chaoyang-01"

    /// The longest name, in characters (bytes: the rule allows only ASCII).
    public static let maximumLength = 63

    /// Whether `name` follows the rule.
    ///
    /// - Parameter name: a node name from a flag, a file, a URL or a request.
    /// - Returns: whether it names a node.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...maximumLength).contains(bytes.count), bytes[0] != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { isLowercaseLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    /// `name`, if it follows the rule.
    ///
    /// - Parameters:
    ///   - name: a node name from a flag, a file, a URL or a request.
    ///   - field: what the name is, as the message should call it (`node`, `--node`, `NODE`).
    /// - Returns: `name`.
    /// - Throws: ``NodeNameError``, one sentence naming the field, the name and the rule.
    @discardableResult
    public static func validate(_ name: String, field: String = "node") throws(NodeNameError) -> String {
        guard isValid(name) else { throw NodeNameError(name: name, field: field) }
        return name
    }

    /// Whether `name` may be the centre's own node: a name that follows the rule, or one in the
    /// wider form earlier versions took (1 to 64 of `A-Z a-z 0-9 . _ -`, starting with a letter or
    /// digit), which a store and its tokens file made by them may hold.
    ///
    /// - Parameter name: the centre's node (`fapiao-central --node`) or a name in its tokens file.
    /// - Returns: whether it is acceptable there.
    public static func isCentreNode(_ name: String) -> Bool {
        if isValid(name) { return true }
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), isLetterOrDigit(bytes[0]) else { return false }
        return bytes.allSatisfy {
            isLetterOrDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isLowercaseLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        isLowercaseLetter(byte) || isDigit(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
