import FapiaoCore
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

/// The centre reads each entry of an audit shipment straight from its wire form
/// (`AuditShipment.readBody`): the same shipment as the plain parser's tree gives, the same
/// refusal or the same error for anything else.
@Suite struct AuditShipmentReadingTests {
    /// Entries of every shape: escapes in the actor and the details, a clock of three nodes, an
    /// empty clock and no ids.
    func shipment() -> AuditShipment {
        var chain = AuditChainBuilder(node: "bj-01", clock: ManualClock())
        chain.append(2)
        var sent = chain.shipment(after: AnchorState(), outbox: 3)
        let clock = ManualClock()
        sent.entries.append(
            AuditEntry(
                sequence: 3,
                wallTime: clock.now,
                node: "bj-01",
                actor: "sync \"nightly\"\n\t\\ 王",
                event: .accepted,
                invoiceID: SequentialIDSource.id(9),
                operationID: SequentialIDSource.id(10),
                clock: VectorClock(["bj-01": 3, "central": 12, "a": 1]),
                details: .object(["reason": .string("\u{1}控制\r"), "attempt": .integer(2)]),
                previousHash: sent.entries[1].hash
            )
        )
        sent.entries.append(
            AuditEntry(
                sequence: 4,
                wallTime: clock.now,
                node: "bj-01",
                actor: "",
                event: .outageEnded,
                previousHash: sent.entries[2].hash
            )
        )
        return sent
    }

    /// The shipment as the centre reads `bytes` and as the plain tree of them reads, which must agree.
    func read(
        _ bytes: [UInt8],
        limits: JSONValue.Limits = .standard
    ) -> Result<AuditShipment.Body, JSONValue.SyntaxError> {
        let direct = Result { () throws(JSONValue.SyntaxError) in try AuditShipment.readBody(bytes, limits: limits) }
        let plain = Result { () throws(JSONValue.SyntaxError) in try JSONValue.parse(bytes, limits: limits) }
        switch (direct, plain) {
        case (.failure(let directError), .failure(let plainError)):
            #expect(directError == plainError)
        case (.success(let body), .success(let value)):
            let fromBody = Result { () throws(WireError) in try AuditShipment(wire: body) }
            let fromTree = Result { () throws(WireError) in try AuditShipment(wire: value) }
            switch (fromBody, fromTree) {
            case (.success(let readShipment), .success(let treeShipment)):
                #expect(readShipment.entries == treeShipment.entries)
                #expect(readShipment.after == treeShipment.after && readShipment.head == treeShipment.head)
            case (.failure(let readError), .failure(let treeError)):
                #expect(readError == treeError)
            default:
                Issue.record("one reading takes the shipment, the other does not: \(fromBody) vs \(fromTree)")
            }
        default:
            Issue.record("one reading parses the body, the other does not: \(direct) vs \(plain)")
        }
        return direct
    }

    @Test func everyEntrySentInItsWireFormIsReadStraightFromItsBytes() throws {
        let sent = shipment()
        let body = try read(sent.canonicalBytes).get()
        #expect(body.entries.keys.sorted() == [0, 1, 2, 3])
        #expect((0..<4).map { body.entries[$0] } == sent.entries)
        guard case .array(let elements)? = JSONMembers(body.value)?["entries"] else {
            Issue.record("no entries in \(body.value)")
            return
        }
        #expect(elements == [.null, .null, .null, .null])
        let read = try AuditShipment(wire: body)
        #expect(read.entries == sent.entries)
        #expect(read.entries.allSatisfy { $0.computedHash == $0.hash })
        #expect(read.report == sent.report)
    }

    /// An entry in another form (a space, an escape the writer does not use) is left to the
    /// parser and read from its tree; the others are still read straight.
    @Test func anEntryInAnotherFormIsParsedAndTheOthersStillReadStraight() throws {
        let sent = shipment()
        var text = String(decoding: sent.canonicalBytes, as: UTF8.self)
        let firstEntry = try #require(text.range(of: #"[{"actor":"#))
        text.replaceSubrange(firstEntry, with: #"[{ "actor":"#)
        let thirdActor = try #require(text.range(of: #""actor":"sync"#))
        text.replaceSubrange(thirdActor, with: #""actor":"\u0073ync"#)
        let body = try read(Array(text.utf8)).get()
        #expect(body.entries.keys.sorted() == [1, 3])
        #expect(try AuditShipment(wire: body).entries == sent.entries)
    }

    /// Values the centre cannot use, and forms the writer does not use, are not taken by the
    /// direct reader: the parser refuses the body, or its tree gives the entry or the error
    /// naming the entry and the member. (`after` names the entry where `original` is looked for.)
    @Test(arguments: [
        ("accepted", #""sequence":3,"#, #""sequence":0,"#, "request.entries[2].sequence"),
        ("accepted", #""sequence":3,"#, #""sequence":30000000000000000000,"#, "request.entries[2].sequence"),
        ("accepted", #""sequence":3,"#, #""sequence":03,"#, "syntax"),
        ("accepted", #""sequence":3,"#, #""sequence":3.0,"#, "read"),
        ("", #""event":"accepted""#, #""event":"teleported""#, "request.entries[2].event"),
        ("accepted", #""node":"bj-01""#, #""node":"../x""#, "request.entries[2].node"),
        ("", #""central":12"#, #""central":0"#, "request.entries[2].clock"),
        ("", #""central":12"#, #""central":-1"#, "request.entries[2].clock"),
        ("", #""actor":"","clock":{}"#, #""actor":null,"clock":{}"#, "request.entries[3].actor"),
        ("outageEnded", #""invoiceID":null"#, #""invoiceID":"x""#, "request.entries[3].invoiceID"),
        ("outageEnded", #""previousHash":""#, #""previousHash":"A"#, "request.entries[3].previousHash"),
        ("outageEnded", #""wallTime":""#, #""wallTime":"yesterday"#, "request.entries[3].wallTime"),
    ])
    func anEntryNotInItsWireFormIsLeftToTheParser(
        after marker: String,
        original: String,
        replacement: String,
        outcome: String
    ) throws {
        var text = String(decoding: shipment().canonicalBytes, as: UTF8.self)
        let from = marker.isEmpty ? text.startIndex : try #require(text.range(of: #""event":"\#(marker)""#)).lowerBound
        let range = try #require(text.range(of: original, range: from..<text.endIndex), "\(original) is not there")
        text.replaceSubrange(range, with: replacement)
        switch read(Array(text.utf8)) {
        case .failure(let error):
            #expect(outcome == "syntax", "\(error)")
        case .success(let body):
            #expect(outcome != "syntax")
            #expect(body.entries.count == 3, "the changed entry was read straight, or another was not")
            do {
                let read = try AuditShipment(wire: body)
                #expect(outcome == "read", "\(read.entries.count) entries read")
            } catch {
                #expect(error.message.contains(outcome), "\(error.message)")
            }
        }
    }

    /// Within every limit of the parser: what the reader takes, the parser would read within the
    /// same limits; where a limit falls inside an entry, the parser says where.
    @Test(arguments: [
        JSONValue.Limits(maximumValues: 20), JSONValue.Limits(maximumValues: 40), JSONValue.Limits(maximumValues: 60),
        JSONValue.Limits(maximumElements: 200, maximumStringBytes: 300), JSONValue.Limits(maximumStringBytes: 100),
        JSONValue.Limits(maximumDepth: 3), JSONValue.Limits(maximumDepth: 4), JSONValue.Limits(maximumMembers: 11),
        JSONValue.Limits(maximumMembers: 15),
    ])
    func theReaderKeepsEveryLimitExact(limits: JSONValue.Limits) {
        _ = read(shipment().canonicalBytes, limits: limits)
    }

    /// A clock of more counters than an object of the limits may have is left to the parser, which
    /// refuses it where the limit falls.
    @Test func aClockPastTheMembersLimitIsLeftToTheParser() {
        var sent = shipment()
        let counters = Dictionary(uniqueKeysWithValues: (1...17).map { ("n\($0)", UInt64($0)) })
        sent.entries[3] = AuditEntry(
            sequence: 4,
            wallTime: sent.entries[3].wallTime,
            node: "bj-01",
            actor: "",
            event: .outageEnded,
            clock: VectorClock(counters),
            previousHash: sent.entries[2].hash
        )
        if case .success = read(sent.canonicalBytes, limits: JSONValue.Limits(maximumMembers: 16)) {
            Issue.record("a clock of 17 counters was taken within a limit of 16 members")
        }
        #expect((try? read(sent.canonicalBytes, limits: JSONValue.Limits(maximumMembers: 17)).get().entries.count) == 3)
    }

    /// Bytes changed, dropped and added at random: the two readings always agree.
    @Test func randomDamageIsReadAsTheParserReadsIt() {
        let sent = shipment().canonicalBytes
        let interesting = Array(#"{}[]",:\ 0123456789abcdefnul-.eE"#.utf8) + [0x01, 0xE7, 0x8E, 0x8B]
        var random = SeededGenerator(seed: 20_261_206)
        var taken = 0
        for round in 0..<3_000 {
            var bytes = sent
            for _ in 0...Int.random(in: 0...2, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = interesting.randomElement(using: &random)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(interesting.randomElement(using: &random)!, at: at)
                }
            }
            let limits = round % 3 == 0 ? JSONValue.Limits(maximumValues: 45) : .standard
            if case .success(let body) = read(bytes, limits: limits) { taken += body.entries.count }
        }
        // Damage leaves the other entries of a body in their wire form: the reader is exercised
        // on damaged bodies, not bypassed (about 3,000 entries are read straight).
        #expect(taken > 2_000)
    }
}
