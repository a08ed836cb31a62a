import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote

/// The bearer tokens the central service accepts, one per node, kept only as SHA-256 digests.
///
/// The tokens file holds one `NODE SHA256HEX` line per node (`#` starts a comment); the
/// token itself is printed once by `fapiao-central token add` and never stored at the centre.
/// A presented token is hashed and compared with every digest in constant time, so neither
/// the file nor the comparison reveals a token.
///
/// The node named like the store's own node (`central`) is HQ: it may amend and void any
/// invoice and list any branch's changes. Every other node is a branch and may only push and
/// read its own invoices.
public struct TokenRegistry: Sendable {
    private struct Entry: Sendable {
        var node: String
        var digest: [UInt8]
    }

    private let entries: [Entry]

    /// Creates a registry from token digests.
    ///
    /// - Parameter digests: node id → lowercase hexadecimal SHA-256 of its token.
    public init(digests: [String: String]) {
        entries = digests.sorted { $0.key < $1.key }.map {
            Entry(node: $0.key, digest: Array($0.value.lowercased().utf8))
        }
    }

    /// Creates a registry from the tokens themselves (tests and the in-process demo).
    ///
    /// - Parameter tokens: node id → token.
    public init(tokens: [String: String]) {
        self.init(digests: tokens.mapValues(Self.digest(of:)))
    }

    /// The nodes that have a token, sorted.
    public var nodes: [String] { entries.map(\.node) }

    /// The node whose token this is, or `nil` for an unknown token.
    ///
    /// - Parameter token: the token a request presented.
    /// - Returns: the node id.
    public func node(presenting token: String) -> String? {
        let presented = Array(Self.digest(of: token).utf8)
        var found: String?
        for entry in entries where Self.constantTimeEqual(entry.digest, presented) {
            found = entry.node
        }
        return found
    }

    /// The lowercase hexadecimal SHA-256 of `token`, as the tokens file records it.
    ///
    /// - Parameter token: a token.
    /// - Returns: 64 hexadecimal digits.
    public static func digest(of token: String) -> String {
        Digest.sha256Hex(Array(token.utf8))
    }

    /// A new random token: 256 bits from the system's secure generator, as 64 hexadecimal digits.
    public static func generateToken() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let digits = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return text
    }

    /// Whether `node` can name a node: ``NodeName``'s rule, the same as a branch's journal.
    ///
    /// - Parameter node: a node id.
    /// - Returns: whether it is acceptable.
    public static func isValidNode(_ node: String) -> Bool { NodeName.isValid(node) }

    /// Compares two byte strings without stopping at the first difference.
    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
