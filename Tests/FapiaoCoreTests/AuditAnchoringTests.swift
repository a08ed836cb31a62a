import FapiaoCore
import FapiaoTesting
import Testing

/// The centre hashes a shipment's entries before its store's write lock
/// (``AuditAnchoring/CheckedShipment``); what it decides must be what checking each entry as it
/// comes would decide.
@Suite struct AuditAnchoringTests {
    let node = "sh-01"

    /// The break the plain verifier finds first in `entries` after `start`, as the centre words it.
    func firstBreak(_ entries: [AuditEntry], after start: ChainPosition) -> String? {
        var verifier = AuditChainVerifier(after: start)
        for entry in entries {
            do {
                try verifier.check(entry)
            } catch {
                return "the shipped \(error.description)"
            }
            if entry.node != node {
                return "the shipped audit entry \(entry.sequence) was written by node \(entry.node), not \(node)"
            }
        }
        return nil
    }

    @Test func aCheckedShipmentBreaksWhereTheEntryByEntryCheckBreaks() {
        let clock = ManualClock()
        var chain = AuditChainBuilder(node: node, clock: clock)
        chain.append(12)
        var random = SeededGenerator(seed: 11)
        var breaks = 0
        for round in 0..<300 {
            var entries = chain.entries
            // One to three changes: contents, a link, a hash, a gap, another node.
            for _ in 0...(round % 3) {
                let index = Int.random(in: 0..<entries.count, using: &random)
                switch Int.random(in: 0..<6, using: &random) {
                case 0: entries[index].actor = "mallory"
                case 1: entries[index].previousHash = entries[(index + 1) % entries.count].hash
                case 2: entries[index].hash = entries[(index + 5) % entries.count].hash
                case 3: entries.remove(at: index)
                case 4: entries[index].node = "bj-99"
                default: entries[index].detailsText = "{}"
                }
                if entries.isEmpty { break }
            }
            let shipment = AuditShipment(
                after: .origin,
                head: entries.last.map(ChainPosition.init) ?? .origin,
                entries: entries,
                report: BranchReport(outboxSize: 0, reportedAt: clock.now)
            )
            let decision = AuditAnchoring.decide(
                AuditAnchoring.CheckedShipment(shipment),
                from: node,
                state: AnchorState(),
                now: clock.now
            )
            switch decision {
            case .breakChain(let found):
                breaks += 1
                #expect(found.reason == firstBreak(entries, after: .origin), "round \(round)")
            case .append(let appended, let head):
                #expect(firstBreak(entries, after: .origin) == nil, "round \(round)")
                #expect(appended == entries)
                #expect(head == shipment.head)
            default:
                Issue.record("round \(round): \(decision)")
            }
        }
        // Some changes leave a chain that still holds (a node changed back, say): not all, though.
        #expect(breaks > 250)
    }

    @Test func anAlteredEntryInAShipmentThatOverlapsTheAnchoredChainIsNotTakenAgain() {
        let clock = ManualClock()
        var chain = AuditChainBuilder(node: node, clock: clock)
        chain.append(6)
        let anchored = AnchorState(head: ChainPosition(chain.entries[5]))
        // From entry 2, past nothing new: the centre holds it all, as long as every entry holds.
        var entries = Array(chain.entries[2...])
        let start = ChainPosition(chain.entries[1])
        let hashes: [Int64: String] = [2: chain.entries[1].hash]
        func decide(_ entries: [AuditEntry]) -> AuditAnchoring.Decision {
            let shipment = AuditShipment(
                after: start,
                head: chain.head,
                entries: entries,
                report: BranchReport(outboxSize: 0, reportedAt: clock.now)
            )
            return AuditAnchoring.decide(
                AuditAnchoring.CheckedShipment(shipment),
                from: node,
                state: anchored,
                anchoredHashes: hashes,
                now: clock.now
            )
        }
        #expect(decide(entries) == .alreadyAnchored)
        entries[1].actor = "mallory"
        guard case .breakChain(let found) = decide(entries) else {
            Issue.record("an altered entry was taken: \(decide(entries))")
            return
        }
        #expect(found.reason.contains("rewritten"))
    }
}
