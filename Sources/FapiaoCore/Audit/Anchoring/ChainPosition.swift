/// A point in an audit chain: an entry's sequence and hash, or the origin before the first entry.
public struct ChainPosition: Hashable, Sendable, CustomStringConvertible {
    /// The entry's sequence; 0 before the first entry.
    public var sequence: Int64
    /// The entry's hash; 64 zeros at the origin.
    public var hash: String

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    /// Before the first entry: where every chain starts.
    public static let origin = ChainPosition(sequence: 0, hash: Digest.zeroHex)

    /// The position of `entry` in its chain.
    public init(_ entry: AuditEntry) {
        self.init(sequence: entry.sequence, hash: entry.hash)
    }

    /// `entry 230 (3f9a0c1d2e4b5a67)`, or `the origin`.
    public var description: String {
        sequence == 0 ? "the origin" : "entry \(sequence) (\(hash.prefix(16)))"
    }

    /// Whether `text` is a hash as chains write them: 64 lower-case hexadecimal digits.
    public static func isHash(_ text: String) -> Bool {
        // Through the contiguous bytes: the centre checks two hashes of every entry it anchors.
        var text = text
        return text.withUTF8 { bytes in
            bytes.count == 64 && bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
    }

    /// `{"sequence": N, "hash": H}`.
    public var canonicalJSON: CanonicalJSON {
        .object(["sequence": .integer(sequence), "hash": .string(hash)])
    }
}
