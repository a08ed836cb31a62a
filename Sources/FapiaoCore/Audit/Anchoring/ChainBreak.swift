/// A branch's audit chain that no longer continues the copy the centre holds: a journal
/// rewritten, truncated or replaced (DESIGN §6, "Anchored at the centre").
///
/// Recorded at the centre with both heads; the branch's pushes are refused until HQ
/// acknowledges it.
public struct ChainBreak: Hashable, Sendable {
    /// When the centre found it (for people; it decides nothing).
    public var detectedAt: UTCTimestamp
    /// The head the centre held for the branch.
    public var anchored: ChainPosition
    /// The head the branch showed.
    public var branchHead: ChainPosition
    /// Why the branch's chain does not continue the anchored one, as a clause.
    public var reason: String

    public init(detectedAt: UTCTimestamp, anchored: ChainPosition, branchHead: ChainPosition, reason: String) {
        self.detectedAt = detectedAt
        self.anchored = anchored
        self.branchHead = branchHead
        self.reason = reason
    }

    /// One sentence for the branch and HQ.
    public func sentence(branch: String) -> String {
        "The audit chain of \(branch) does not continue the one anchored at the centre (\(reason)); "
            + "the centre refuses its pushes until HQ acknowledges the break "
            + "(fapiao-central audit acknowledge \(branch) --reason …)."
    }

    public var canonicalJSON: CanonicalJSON {
        .object([
            "detectedAt": .string(detectedAt.description),
            "anchored": anchored.canonicalJSON,
            "branchHead": branchHead.canonicalJSON,
            "reason": .string(reason),
        ])
    }
}
