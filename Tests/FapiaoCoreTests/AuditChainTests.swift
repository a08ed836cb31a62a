import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@Suite struct AuditChainTests {
    /// A chain of `count` entries, each linked to the one before.
    static func chain(_ count: Int) -> [AuditEntry] {
        let clock = ManualClock()
        var entries: [AuditEntry] = []
        var previous = Digest.zeroHex
        var invoiceClock = VectorClock()
        for index in 0..<count {
            clock.advance(byMilliseconds: 1_250)
            invoiceClock = invoiceClock.incremented(at: "bj-01")
            let entry = AuditEntry(
                sequence: Int64(index + 1),
                wallTime: clock.now,
                node: "bj-01",
                actor: index == 0 ? "init" : "王小明",
                event: index == 0 ? .initialized : (index % 3 == 0 ? .voided : .captured),
                invoiceID: index == 0 ? nil : SequentialIDSource.id(UInt64(index)),
                operationID: index == 0 ? nil : SequentialIDSource.id(UInt64(100 + index)),
                clock: index == 0 ? VectorClock() : invoiceClock,
                details: .object(["number": .string(InvoiceFixtures.number(index)), "source": .string("cli")]),
                previousHash: previous
            )
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    /// The first break in `entries` as "sequence kind", or `nil` when the whole chain verifies.
    func firstBreak(_ entries: [AuditEntry]) -> String? {
        var verifier = AuditChainVerifier()
        do {
            for entry in entries { try verifier.check(entry) }
            return nil
        } catch {
            return "\(error.sequence) \(error.kind.rawValue)"
        }
    }

    /// Recomputes an entry's hash after an edit, as a forger with the code would.
    func rehashed(_ entry: AuditEntry) -> AuditEntry {
        var copy = entry
        copy.hash = copy.computedHash
        return copy
    }

    @Test func aChainVerifies() throws {
        let entries = Self.chain(12)
        var verifier = AuditChainVerifier()
        for entry in entries { try verifier.check(entry) }
        #expect(verifier.checked == 12)
        #expect(verifier.head == entries.last?.hash)
        #expect(entries.first?.previousHash == Digest.zeroHex)
        #expect(Set(entries.map(\.hash)).count == 12)
    }

    @Test func theHashCoversThePreviousHashTheHeaderAndTheDetails() throws {
        let entry = try #require(Self.chain(2).last)
        let encoding = String(decoding: entry.canonicalEncoding, as: UTF8.self)
        let parts = encoding.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        #expect(parts[0] == entry.previousHash)
        #expect(parts[1].hasPrefix(#"{"actor":"王小明","clock":{"bj-01":2},"event":"captured","invoiceID":""#))
        #expect(parts[2] == #"{"number":"26110000000000000001","source":"cli"}"#)
        #expect(entry.hash == Digest.sha256Hex(entry.canonicalEncoding))
        #expect(entry.hash.count == 64)
    }

    @Test(arguments: [
        ("王小明", "bj-01", true), (#"quote " and \ back"#, "node-2", false), ("tab\tnew\nline\u{01}", "x", true),
    ])
    func theHeaderIsTheCanonicalObjectOfItsFields(actor: String, node: String, withIDs: Bool) {
        let entry = AuditEntry(
            sequence: 9_007_199_254_740_993,
            wallTime: UTCTimestamp(millisecondsSinceEpoch: 1_764_000_000_123),
            node: node,
            actor: actor,
            event: .pushed,
            invoiceID: withIDs ? UUID() : nil,
            operationID: withIDs ? UUID() : nil,
            clock: VectorClock([node: 3, "hq": 1]),
            details: .object(["attempt": .integer(2), "kind": .string("create")]),
            previousHash: Digest.zeroHex
        )
        var reference = Array(entry.previousHash.utf8)
        reference.append(0x0A)
        entry.canonicalHeader.write(into: &reference)
        reference.append(0x0A)
        reference.append(contentsOf: entry.detailsText.utf8)
        #expect(entry.canonicalEncoding == reference)
    }

    struct Edit: Sendable, CustomTestStringConvertible {
        var name: String
        var apply: @Sendable (inout AuditEntry) -> Void
        var testDescription: String { name }
    }

    static let edits: [Edit] = [
        Edit(name: "actor") { $0.actor = "mallory" },
        Edit(name: "details") { $0.detailsText = #"{"number":"99999999999999999999","source":"cli"}"# },
        Edit(name: "clock") { $0.clock = $0.clock.incremented(at: "central") },
        Edit(name: "wallTime") {
            $0.wallTime = UTCTimestamp(millisecondsSinceEpoch: $0.wallTime.millisecondsSinceEpoch + 1)
        },
        Edit(name: "node") { $0.node = "sh-02" },
        Edit(name: "event") { $0.event = .rejected },
        Edit(name: "invoiceID") { $0.invoiceID = SequentialIDSource.id(999) },
        Edit(name: "operationID") { $0.operationID = $0.operationID == nil ? SequentialIDSource.id(998) : nil },
    ]

    @Test(arguments: edits)
    func changingAnyFieldOfAnyEntryIsCaughtAtThatEntry(edit: Edit) {
        let entries = Self.chain(8)
        for index in entries.indices {
            var tampered = entries
            edit.apply(&tampered[index])
            #expect(
                firstBreak(tampered) == "\(index + 1) contentChanged",
                "\(edit.name) of entry \(index + 1)"
            )
        }
    }

    @Test func removingAnEntryIsCaughtAtTheNextOne() {
        let entries = Self.chain(8)
        for index in 0..<7 {
            var tampered = entries
            tampered.remove(at: index)
            #expect(firstBreak(tampered) == "\(index + 2) entriesMissing")
        }
        // Cutting off the tail cannot be seen from the chain alone (the centre will check the head).
        #expect(firstBreak(Array(entries.dropLast())) == nil)
    }

    @Test func aRewrittenEntryWithARecomputedHashBreaksTheNextLink() {
        let entries = Self.chain(8)
        var tampered = entries
        tampered[3].actor = "mallory"
        tampered[3] = rehashed(tampered[3])
        #expect(firstBreak(tampered) == "5 linkBroken")
    }

    @Test func swappedHashesBreakTheLink() {
        let entries = Self.chain(8)
        var tampered = entries
        // Exchange the previous-hash links of entries 3 and 4 and re-seal both.
        let third = tampered[2].previousHash
        tampered[2].previousHash = tampered[3].previousHash
        tampered[3].previousHash = third
        tampered[2] = rehashed(tampered[2])
        tampered[3] = rehashed(tampered[3])
        #expect(firstBreak(tampered) == "3 linkBroken")
    }

    @Test func reorderedEntriesAreCaught() {
        var tampered = Self.chain(6)
        tampered.swapAt(2, 3)
        #expect(firstBreak(tampered) == "4 entriesMissing")
    }

    @Test func aChainMustStartAtOneFromZeros() {
        let entries = Self.chain(4)
        #expect(firstBreak(Array(entries.dropFirst())) == "2 entriesMissing")
        var first = entries[0]
        first.previousHash = String(repeating: "f", count: 64)
        #expect(firstBreak([rehashed(first)]) == "1 linkBroken")
    }

    @Test func breaksDescribeThemselves() throws {
        let entries = Self.chain(4)
        var verifier = AuditChainVerifier()
        try verifier.check(entries[0])
        do {
            try verifier.check(entries[2])
            Issue.record("a gap was not reported")
        } catch {
            #expect(error.description.contains("before entry 3 are missing"))
        }
        var edited = entries[1]
        edited.actor = "mallory"
        do {
            try verifier.check(edited)
            Issue.record("an edit was not reported")
        } catch {
            #expect(error.description.contains("audit entry 2 was changed"))
        }
        #expect(verifier.checked == 1)
        #expect(verifier.head == entries[0].hash)
    }
}
