import FapiaoCore
import FapiaoSync
import Testing

/// Where a restored journal's audit chain stands against the head anchored at the centre.
@Suite struct RestoreComparisonTests {
    let hash5 = String(repeating: "5", count: 64)

    @Test func aBackupEndingBeforeTheAnchoredHeadIsBehind() {
        let anchored = AnchorState(head: ChainPosition(sequence: 9, hash: hash5))
        let head = ChainPosition(sequence: 6, hash: String(repeating: "6", count: 64))
        let chain = RestoreComparison.chain(anchored: anchored, head: head, hashAtAnchor: nil)
        #expect(chain == .behind(anchored: 9, journal: 6))
        var comparison = RestoreComparison(remote: "http://hq", head: head)
        comparison.chain = chain
        #expect(comparison.nextSyncIsChainBreak)
        let sentence = comparison.chainSentence(branch: "bj-01") ?? ""
        #expect(sentence.contains("up to entry 9; this backup ends at entry 6"))
        #expect(sentence.contains("fapiao-central audit acknowledge bj-01"))
    }

    @Test func aBackupHoldingTheAnchoredHeadContinues() {
        let anchored = AnchorState(head: ChainPosition(sequence: 5, hash: hash5))
        let head = ChainPosition(sequence: 7, hash: String(repeating: "7", count: 64))
        #expect(RestoreComparison.chain(anchored: anchored, head: head, hashAtAnchor: hash5) == .continues)
        #expect(RestoreComparison.chain(anchored: AnchorState(), head: head, hashAtAnchor: nil) == .continues)
    }

    @Test func aBackupWithAnotherEntryAtTheAnchoredHeadDiverges() {
        let anchored = AnchorState(head: ChainPosition(sequence: 5, hash: hash5))
        let head = ChainPosition(sequence: 7, hash: String(repeating: "7", count: 64))
        let chain = RestoreComparison.chain(
            anchored: anchored,
            head: head,
            hashAtAnchor: String(repeating: "a", count: 64)
        )
        #expect(chain == .diverges(anchored: 5))
    }

    @Test func anUnacknowledgedBreakAtTheCentreIsReportedAsIt() {
        let found = ChainBreak(
            detectedAt: UTCTimestamp(millisecondsSinceEpoch: 0),
            anchored: ChainPosition(sequence: 5, hash: hash5),
            branchHead: ChainPosition(sequence: 3, hash: hash5),
            reason: "the branch's chain is shorter"
        )
        let anchored = AnchorState(head: ChainPosition(sequence: 5, hash: hash5), unacknowledgedBreak: found)
        let chain = RestoreComparison.chain(
            anchored: anchored,
            head: ChainPosition(sequence: 9, hash: hash5),
            hashAtAnchor: hash5
        )
        #expect(chain == .brokenAtCentre(found))
    }
}
