/// The centre's rule for a branch's audit shipment.
///
/// Append what continues the anchored chain, record a break for anything else (DESIGN §6).
/// Pure, so every store decides alike.
public enum AuditAnchoring {
    /// What the store must do with a shipment.
    public enum Decision: Hashable, Sendable {
        /// Append `entries`; the head becomes `head`.
        case append(entries: [AuditEntry], head: ChainPosition)
        /// Record this break; store nothing of the shipment.
        case breakChain(ChainBreak)
        /// A break is already recorded and not acknowledged: store nothing.
        case refused(ChainBreak)
    }

    /// The most entries one shipment may carry.
    public static let maximumEntriesPerShipment = 1_000

    /// Decides what becomes of `shipment` from `branch`, given the chain the centre holds.
    ///
    /// - Parameters:
    ///   - shipment: what the branch sent.
    ///   - branch: the branch whose token sent it.
    ///   - state: the centre's record of the branch's chain.
    ///   - now: the centre's wall clock, recorded on a break.
    /// - Returns: what the store must do.
    public static func decide(
        _ shipment: AuditShipment,
        from branch: String,
        state: AnchorState,
        now: UTCTimestamp
    ) -> Decision {
        if let recorded = state.unacknowledgedBreak { return .refused(recorded) }
        func broken(_ reason: String) -> Decision {
            .breakChain(
                ChainBreak(detectedAt: now, anchored: state.head, branchHead: shipment.head, reason: reason)
            )
        }
        guard shipment.after == state.head else {
            if shipment.head.sequence < state.head.sequence {
                return broken(
                    "the branch's chain ends at entry \(shipment.head.sequence), before the anchored "
                        + "\(state.head): the journal was truncated or replaced"
                )
            }
            if state.head.sequence == 0 {
                return broken("the shipment does not start at the chain's origin")
            }
            return broken(
                "the branch's entry \(state.head.sequence) is not the anchored one (\(state.head.hash.prefix(16))): "
                    + "the journal's history was rewritten"
            )
        }
        var verifier = AuditChainVerifier(after: state.head)
        for entry in shipment.entries {
            do {
                try verifier.check(entry)
            } catch {
                return broken("the shipped \(error.description)")
            }
            guard entry.node == branch else {
                return broken(
                    "the shipped audit entry \(entry.sequence) was written by node \(entry.node), not \(branch)"
                )
            }
        }
        let head = shipment.entries.last.map(ChainPosition.init) ?? state.head
        return .append(entries: shipment.entries, head: head)
    }
}
