import FapiaoCore
import FapiaoJournal

/// What a restored journal is, next to the centre's record of the branch (`fapiao restore`).
public struct RestoreComparison: Sendable {
    /// Where the restored journal's audit chain stands against the one anchored at the centre.
    public enum Chain: Hashable, Sendable {
        /// The centre anchored no further than the journal, and the journal holds its head:
        /// the next sync ships the rest.
        case continues
        /// The centre anchored entries beyond the journal's last one.
        case behind(anchored: Int64, journal: Int64)
        /// The journal's entry at the centre's head is another one.
        case diverges(anchored: Int64)
        /// The centre already holds a break of this branch HQ has not acknowledged.
        case brokenAtCentre(ChainBreak)
        /// Not known: the remote does not anchor, or could not be asked.
        case unknown
    }

    /// The remote compared with, as it may be printed.
    public var remote: String
    /// The centre's anchor of the branch's chain, when it was read.
    public var anchored: AnchorState?
    /// The restored journal's audit head.
    public var head: ChainPosition
    public var chain: Chain = .unknown
    /// The reconcile run on the restored journal, when the remote answered.
    public var reconcile: ReconcileReport?
    /// Why the comparison is incomplete (the remote unreachable, no anchoring), or `nil`.
    public var pending: String?

    public init(remote: String, head: ChainPosition) {
        self.remote = remote
        self.head = head
    }

    /// The invoices the centre holds of this branch that the restored journal lacks.
    public var missingHere: [ReconcileFinding] { reconcile?.findings.filter { $0.kind == .missingLocally } ?? [] }

    /// Whether the next sync will be refused as a chain break.
    public var nextSyncIsChainBreak: Bool {
        switch chain {
        case .behind, .diverges, .brokenAtCentre: true
        case .continues, .unknown: false
        }
    }

    /// Where the chain stands, from the centre's anchor, the journal's head and the hash of the
    /// journal's entry at the anchored sequence (`nil` when it has none).
    public static func chain(anchored: AnchorState, head: ChainPosition, hashAtAnchor: String?) -> Chain {
        if let found = anchored.unacknowledgedBreak { return .brokenAtCentre(found) }
        if anchored.head.sequence > head.sequence {
            return .behind(anchored: anchored.head.sequence, journal: head.sequence)
        }
        guard anchored.head.sequence == 0 || hashAtAnchor == anchored.head.hash else {
            return .diverges(anchored: anchored.head.sequence)
        }
        return .continues
    }

    /// One sentence on the chain for a person, or `nil` when there is nothing to say.
    public func chainSentence(branch: String) -> String? {
        let acknowledge = "until HQ acknowledges it (fapiao-central audit acknowledge \(branch) --reason …)"
        switch chain {
        case .behind(let anchored, let journal):
            return "The centre anchored this branch's chain up to entry \(anchored); this backup ends at entry "
                + "\(journal): the next sync will be refused as a chain break \(acknowledge)."
        case .diverges(let anchored):
            return "The centre anchored this branch's chain up to entry \(anchored), and this backup's entry "
                + "\(anchored) is another one: the next sync will be refused as a chain break \(acknowledge)."
        case .brokenAtCentre(let found):
            return found.sentence(branch: branch)
        case .continues, .unknown:
            return nil
        }
    }
}
