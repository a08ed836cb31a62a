/// Walks an audit chain entry by entry and stops at the first broken link.
///
/// Fed entries in sequence order, it checks that sequences have no gaps, that each
/// entry's `previousHash` is the hash of the entry before it, and that each entry's hash
/// matches its contents.
public struct AuditChainVerifier: Sendable {
    /// The first broken link found.
    public struct Break: CategorizedError, Hashable, Sendable, CustomStringConvertible {
        /// How the chain is broken.
        public enum Kind: String, Hashable, Sendable {
            /// The entry's contents no longer match its hash: it was edited.
            case contentChanged
            /// The entry does not point at the hash of the entry before it.
            case linkBroken
            /// Sequence numbers skip: entries before this one were removed.
            case entriesMissing
        }

        public var sequence: Int64
        public var kind: Kind

        public init(sequence: Int64, kind: Kind) {
            self.sequence = sequence
            self.kind = kind
        }

        public var description: String {
            switch kind {
            case .contentChanged:
                "audit entry \(sequence) was changed after it was written: its contents no longer match its hash"
            case .linkBroken:
                "audit entry \(sequence) does not follow from the entry before it: an earlier entry was changed or replaced"
            case .entriesMissing:
                "audit entries before entry \(sequence) are missing: the chain skips from an earlier sequence number"
            }
        }
    }

    private var expectedSequence: Int64 = 1
    private var previousHash = Digest.zeroHex

    /// The number of entries checked so far.
    public private(set) var checked = 0

    public init() {}

    /// A verifier that continues a chain already checked up to `position` (an anchored head).
    public init(after position: ChainPosition) {
        expectedSequence = position.sequence + 1
        previousHash = position.hash
    }

    /// Checks the next entry.
    /// - Throws: ``Break`` when the chain is broken at `entry`.
    public mutating func check(_ entry: AuditEntry) throws(Break) {
        try check(entry, contentHolds: entry.computedHash == entry.hash)
    }

    /// Checks the next entry, whose hash was compared with its contents beforehand
    /// (`contentHolds`: ``AuditEntry/computedHash`` equals ``AuditEntry/hash``).
    ///
    /// For a caller that hashes entries where it is cheaper to, such as the centre before its
    /// store's write lock; the breaks found and their order are those of ``check(_:)``.
    /// - Throws: ``Break`` when the chain is broken at `entry`.
    public mutating func check(_ entry: AuditEntry, contentHolds: Bool) throws(Break) {
        if entry.sequence != expectedSequence { throw Break(sequence: entry.sequence, kind: .entriesMissing) }
        if !contentHolds { throw Break(sequence: entry.sequence, kind: .contentChanged) }
        if entry.previousHash != previousHash { throw Break(sequence: entry.sequence, kind: .linkBroken) }
        previousHash = entry.hash
        expectedSequence += 1
        checked += 1
    }

    /// The hash of the last entry checked: the head of the verified chain.
    public var head: String { previousHash }
}

extension AuditChainVerifier.Break {
    /// A broken chain means the history was tampered with.
    public var category: ErrorCategory { .damaged }
}
