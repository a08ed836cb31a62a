import FapiaoCore
import Foundation

/// A branch's audit chain built entry by entry, as a journal writes it: to anchor chains at a
/// store without a journal, and to forge one that differs from what was anchored.
public struct AuditChainBuilder {
    public private(set) var entries: [AuditEntry] = []
    public let node: String
    public let clock: ManualClock

    public init(node: String, clock: ManualClock) {
        self.node = node
        self.clock = clock
    }

    /// Appends `count` `captured` entries by `actor`, a second apart.
    public mutating func append(_ count: Int, actor: String = "王会计") {
        for _ in 0..<count {
            clock.advance(byMilliseconds: 1_000)
            let sequence = entries.count + 1
            entries.append(
                AuditEntry(
                    sequence: Int64(sequence),
                    wallTime: clock.now,
                    node: node,
                    actor: actor,
                    event: .captured,
                    invoiceID: SequentialIDSource.id(UInt64(sequence)),
                    details: .object(["note": .string("第\(sequence)张, \"quoted\"")]),
                    previousHash: entries.last?.hash ?? Digest.zeroHex
                )
            )
        }
    }

    /// The last entry's position.
    public var head: ChainPosition { entries.last.map(ChainPosition.init) ?? .origin }

    /// The shipment of the entries after `state`'s head, as a sync sends it: from the chain's
    /// own entry at that sequence (an empty hash when it has none), entries only when it matches.
    public func shipment(after state: AnchorState, outbox: Int = 0) -> AuditShipment {
        let after =
            state.head.sequence == 0
            ? ChainPosition.origin
            : entries.first { $0.sequence == state.head.sequence }.map(ChainPosition.init)
                ?? ChainPosition(sequence: state.head.sequence, hash: "")
        return AuditShipment(
            after: after,
            head: head,
            entries: after == state.head ? entries.filter { $0.sequence > after.sequence } : [],
            report: BranchReport(outboxSize: outbox, reportedAt: clock.now)
        )
    }
}
