/// The centre's rule for a branch's audit shipment.
///
/// Append what continues the anchored chain, take again what it already holds, record a break
/// for anything else (DESIGN §6). Pure, so every store decides alike.
public enum AuditAnchoring {
    /// What the store must do with a shipment.
    public enum Decision: Hashable, Sendable {
        /// Append `entries`; the head becomes `head`.
        case append(entries: [AuditEntry], head: ChainPosition)
        /// Record this break; store nothing of the shipment.
        case breakChain(ChainBreak)
        /// A break is already recorded and not acknowledged: store nothing.
        case refused(ChainBreak)
        /// The centre holds every entry of the shipment already: store nothing, the head stays.
        case alreadyAnchored
    }

    /// The most entries one shipment may carry.
    public static let maximumEntriesPerShipment = 1_000

    /// A shipment whose entries were each hashed and compared with the hash they carry: the
    /// part of judging a shipment that needs nothing the centre holds.
    ///
    /// Hashing is most of the work of ``decide(_:from:state:anchoredHashes:now:)``, so a store
    /// makes this before it takes its write lock (or locks the branch's row), and pushes and other
    /// shipments are not held up behind it.
    public struct CheckedShipment: Sendable {
        public let shipment: AuditShipment
        /// The index in `shipment.entries` of the first entry whose contents do not match its
        /// hash; every entry before it matches (the judgement stops at the first broken link).
        let firstAltered: Int?

        /// Hashes each entry of `shipment`, up to the first whose contents do not match its hash.
        public init(_ shipment: AuditShipment) {
            self.shipment = shipment
            firstAltered = shipment.entries.firstIndex { $0.computedHash != $0.hash }
        }

        /// Checks `shipment.entries[index]` as the next link of `verifier`.
        func check(_ index: Int, with verifier: inout AuditChainVerifier) throws(AuditChainVerifier.Break) {
            try verifier.check(shipment.entries[index], contentHolds: index != firstAltered)
        }
    }

    /// The sequences whose anchored hashes ``decide(_:from:state:anchoredHashes:now:)`` needs to
    /// judge `shipment`: none unless it starts behind the anchored head.
    ///
    /// A shipment starts behind the head when the centre took it, or a later one, before: its
    /// sender's reply was lost, or the sender was killed and its request reached the centre
    /// after the next sync's. The centre tells that from a rewritten history by comparing the
    /// entries it holds where the shipment starts and where it ends.
    public static func sequencesToCompare(_ shipment: AuditShipment, state: AnchorState) -> [Int64] {
        guard state.unacknowledgedBreak == nil, shipment.after.sequence < state.head.sequence else { return [] }
        var sequences: [Int64] = []
        if shipment.after.sequence > 0 { sequences.append(shipment.after.sequence) }
        if let last = shipment.entries.last, last.sequence < state.head.sequence, last.sequence > 0 {
            sequences.append(last.sequence)
        }
        return sequences
    }

    /// Decides what becomes of a shipment from `branch`, given the chain the centre holds.
    ///
    /// - Parameters:
    ///   - checked: what the branch sent, its entries hashed (``CheckedShipment``).
    ///   - branch: the branch whose token sent it.
    ///   - state: the centre's record of the branch's chain.
    ///   - anchoredHashes: the hashes the centre holds in the branch's current epoch at the
    ///     sequences ``sequencesToCompare(_:state:)`` names (missing ones are not held).
    ///   - now: the centre's wall clock, recorded on a break.
    /// - Returns: what the store must do.
    public static func decide(
        _ checked: CheckedShipment,
        from branch: String,
        state: AnchorState,
        anchoredHashes: [Int64: String] = [:],
        now: UTCTimestamp
    ) -> Decision {
        let shipment = checked.shipment
        if let recorded = state.unacknowledgedBreak { return .refused(recorded) }
        if shipment.after != state.head,
            let taken = overlapping(checked, from: branch, state: state, anchoredHashes: anchoredHashes)
        {
            return taken
        }
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
        for (index, entry) in shipment.entries.enumerated() {
            do {
                try checked.check(index, with: &verifier)
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

    /// What becomes of a shipment that starts behind the anchored head inside the chain the
    /// centre holds (see ``sequencesToCompare(_:state:)``), or `nil` when it does not: then it
    /// is judged as a break.
    ///
    /// The entries are chained from where the shipment starts, so the hash of its last entry
    /// (or of the one at the head) equal to the anchored one vouches for every entry before it.
    private static func overlapping(
        _ checked: CheckedShipment,
        from branch: String,
        state: AnchorState,
        anchoredHashes: [Int64: String]
    ) -> Decision? {
        let shipment = checked.shipment
        let after = shipment.after
        guard after.sequence < state.head.sequence,
            after == .origin || (after.sequence > 0 && anchoredHashes[after.sequence] == after.hash)
        else { return nil }
        var verifier = AuditChainVerifier(after: after)
        for (index, entry) in shipment.entries.enumerated() {
            guard (try? checked.check(index, with: &verifier)) != nil, entry.node == branch else { return nil }
        }
        let last = shipment.entries.last.map(ChainPosition.init) ?? after
        if last.sequence <= state.head.sequence {
            let anchored = last.sequence == state.head.sequence ? state.head.hash : anchoredHashes[last.sequence]
            return last == after || anchored == last.hash ? .alreadyAnchored : nil
        }
        guard shipment.entries.contains(where: { $0.sequence == state.head.sequence && $0.hash == state.head.hash })
        else { return nil }
        return .append(entries: shipment.entries.filter { $0.sequence > state.head.sequence }, head: last)
    }
}
