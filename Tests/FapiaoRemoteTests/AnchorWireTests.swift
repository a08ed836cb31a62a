import FapiaoCore
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

/// The audit shipment and the anchored state on the wire: what is sent reads back the same,
/// and what cannot be used is named (400 for a malformed document, 422 for an unusable value).
@Suite struct AnchorWireTests {
    func shipment() -> AuditShipment {
        var chain = AuditChainBuilder(node: "bj-01", clock: ManualClock())
        chain.append(3)
        return chain.shipment(after: AnchorState(), outbox: 12)
    }

    func parse(_ json: CanonicalJSON) throws -> AuditShipment {
        try AuditShipment(wire: try JSONValue.parse(json.text))
    }

    @Test func aShipmentReadsBackAsSentWithEveryHashIntact() throws {
        let sent = shipment()
        let read = try parse(sent.canonicalJSON)
        #expect(read.entries == sent.entries)
        #expect(read.entries.allSatisfy { $0.computedHash == $0.hash })
        #expect(read.after == sent.after && read.head == sent.head && read.report == sent.report)
    }

    /// The bytes a sync sends are the reference encoding's, whatever the entry holds.
    @Test func theShipmentWrittenDirectlyIsItsCanonicalEncoding() throws {
        var sent = shipment()
        #expect(sent.canonicalBytes == sent.canonicalJSON.bytes)
        let clock = ManualClock()
        sent.entries.append(
            AuditEntry(
                sequence: 4,
                wallTime: clock.now,
                node: "bj-01",
                actor: "sync \"nightly\"\n",
                event: .accepted,
                invoiceID: SequentialIDSource.id(9),
                operationID: SequentialIDSource.id(10),
                clock: VectorClock(["bj-01": 3, "central": 12, "a": 1]),
                details: .object(["reason": .string("\u{1}控制"), "attempt": .integer(2)]),
                previousHash: sent.entries.last?.hash ?? Digest.zeroHex
            )
        )
        sent.entries.append(
            AuditEntry(
                sequence: 5,
                wallTime: clock.now,
                node: "bj-01",
                actor: "",
                event: .outageEnded,
                previousHash: ""
            )
        )
        #expect(sent.canonicalBytes == sent.canonicalJSON.bytes)
        let empty = AuditShipment(after: .origin, head: .origin, entries: [], report: sent.report)
        #expect(empty.canonicalBytes == empty.canonicalJSON.bytes)
    }

    @Test func anAnchorStateWithABreakReadsBack() throws {
        let found = ChainBreak(
            detectedAt: UTCTimestamp(millisecondsSinceEpoch: 1_764_000_000_000),
            anchored: ChainPosition(sequence: 4, hash: String(repeating: "a", count: 64)),
            branchHead: ChainPosition(sequence: 2, hash: ""),
            reason: "the branch's chain ends at entry 2"
        )
        let state = AnchorState(head: found.anchored, epoch: 3, unacknowledgedBreak: found)
        #expect(try AnchorState(wire: try JSONValue.parse(state.canonicalJSON.text)) == state)
    }

    @Test func integersWrittenWithAZeroFractionOrAnExponentAreIntegers() throws {
        let object = try WireObject(try JSONValue.parse(#"{"a":3713.0,"b":1e3,"c":2.5,"d":1e40}"#), context: "x")
        #expect(try object.integer("a") == 3713)
        #expect(try object.integer("b") == 1000)
        #expect(throws: WireError.self) { try object.integer("c") }
        #expect(throws: WireError.self) { try object.integer("d") }
    }

    @Test(arguments: [
        ("wallTime", CanonicalJSON.string("yesterday"), true),
        ("event", .string("teleported"), true),
        ("clock", .object(["bj-01": .integer(0)]), true),
        ("sequence", .integer(0), false),
        ("node", .string("../central"), false),
        ("hash", .string("ABC"), false),
    ])
    func anEntryValueThatCannotBeUsedIsNamed(field: String, value: CanonicalJSON, unprocessable: Bool) throws {
        guard case .object(var document) = shipment().canonicalJSON,
            case .array(var entries)? = document["entries"], case .object(var entry) = entries[1]
        else {
            Issue.record("the shipment is not an object with entries")
            return
        }
        entry[field] = value
        entries[1] = .object(entry)
        document["entries"] = .array(entries)
        do {
            _ = try parse(.object(document))
            Issue.record("\(field) \(value.text) was taken")
        } catch let error as WireError {
            #expect(error.message.contains("request.entries[1].\(field)"))
            #expect(error.isUnprocessable == unprocessable)
        } catch {
            Issue.record("not a wire error: \(error)")
        }
    }
}
