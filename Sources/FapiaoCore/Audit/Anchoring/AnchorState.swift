/// Where a branch's audit chain stands at the centre.
public struct AnchorState: Hashable, Sendable {
    /// The last entry the centre holds of the branch's current chain (the origin when none).
    public var head: ChainPosition
    /// The branch's chain number at the centre: 1, and one more after each acknowledged break.
    public var epoch: Int64
    /// The break not yet acknowledged by HQ, if any: the branch's pushes are refused meanwhile.
    public var unacknowledgedBreak: ChainBreak?

    public init(head: ChainPosition = .origin, epoch: Int64 = 1, unacknowledgedBreak: ChainBreak? = nil) {
        self.head = head
        self.epoch = epoch
        self.unacknowledgedBreak = unacknowledgedBreak
    }

    public var isBroken: Bool { unacknowledgedBreak != nil }

    /// `intact` or `broken`.
    public var stateName: String { isBroken ? "broken" : "intact" }
}
