import FapiaoCore
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

@Suite struct WireFormatTests {
    let fixture = RulesFixture()

    /// `json` as a parsed document, as the other side reads it off the wire.
    func wire(_ json: CanonicalJSON) throws -> JSONValue {
        try JSONValue.parse(json.text)
    }

    /// `json` with `path` (object keys) set to `value`, or removed when `value` is `nil`.
    func replacing(_ path: [String], in json: CanonicalJSON, with value: CanonicalJSON?) -> CanonicalJSON {
        guard let key = path.first, case .object(var members) = json else { return json }
        if path.count == 1 {
            members[key] = value
        } else if let inner = members[key] {
            members[key] = replacing(Array(path.dropFirst()), in: inner, with: value)
        }
        return .object(members)
    }

    func operations() throws -> [InvoiceOperation] {
        let first = try fixture.invoice(1, id: 1)
        var second = try fixture.invoice(2, id: 2)
        second.note = "含\"引号\"与\n换行"
        second.code = nil
        return [
            fixture.operation(11, .create, first),
            fixture.operation(12, .void, fixture.voided(second), [RulesFixture.branch: 2, "central": 1]),
            fixture.operation(13, .resolve, fixture.amended(first), [RulesFixture.branch: 3, "central": 2]),
        ]
    }

    /// A branch token once took the centre down with one counter above Int64.max: counters are
    /// bounded when read, before any arithmetic or hashing.
    @Test(arguments: ["9223372036854775808", "18446744073709551615", "9007199254740993", "-1", "1.5", "1e3"])
    func aClockCounterOutOfRangeIsRefusedWhenRead(counter: String) throws {
        let operation = try operations()[0]
        let text = WireFormat.encode(operation).text.replacingOccurrences(
            of: #""clock":{"bj-01":1}"#,
            with: #""clock":{"bj-01":\#(counter)}"#
        )
        #expect(text.contains(counter))
        let value = try JSONValue.parse(text)
        do {
            _ = try WireFormat.operation(from: value, context: "operations[0]")
            Issue.record("a counter of \(counter) was accepted")
        } catch {
            #expect(error.message.contains("operations[0].clock"))
            #expect(error.message.contains("9007199254740992"))
        }
        #expect(VectorClock(parsing: #"{"bj-01":\#(counter)}"#) == nil)
    }

    @Test func theLargestCounterIsReadAndCanBeTicked() throws {
        let clock = try #require(VectorClock(parsing: #"{"bj-01":9007199254740992}"#))
        #expect(clock.incremented(at: "central").description == #"{"bj-01":9007199254740992,"central":1}"#)
    }

    @Test func operationsSurviveTheRoundTrip() throws {
        for operation in try operations() {
            let read = try WireFormat.operation(from: try wire(WireFormat.encode(operation)), context: "op")
            #expect(read == operation)
            #expect(read.hash == operation.hash)
        }
    }

    @Test func aPushRequestRoundTripsEveryOperation() throws {
        let operations = try operations()
        let (branch, items) = try WireFormat.pushItems(
            from: try wire(WireFormat.pushRequest(branch: "bj-01", operations: operations))
        )
        #expect(branch == "bj-01")
        expectEveryOperationRead(items, operations)
    }

    /// Checks that `items` are `operations`, each read, in order, with its payload's bytes.
    func expectEveryOperationRead(
        _ items: [WireFormat.PushItem],
        _ operations: [InvoiceOperation],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(items.count == operations.count, sourceLocation: sourceLocation)
        for (item, operation) in zip(items, operations) {
            guard case .operation(let read) = item else {
                Issue.record("item \(operation.id) was not read: \(item)", sourceLocation: sourceLocation)
                continue
            }
            #expect(read == operation, sourceLocation: sourceLocation)
            #expect(read.payloadBytes == operation.payloadBytes, sourceLocation: sourceLocation)
        }
    }

    @Test func aPushReadWithItsInvoicesBytesReadsEveryOperation() throws {
        let operations = try operations()
        let (branch, items) = try pushItemsAsTheCentreReads(
            WireFormat.pushRequestBytes(branch: "bj-01", operations: operations.map(\.stored))
        )
        #expect(branch == "bj-01")
        expectEveryOperationRead(items, operations)
    }

    /// Every invoice a branch sends is read straight from its bytes: the tree holds `null` in its
    /// place, and the operations read are the ones sent.
    @Test func aPushReadsEachCanonicalInvoiceStraightFromItsBytes() throws {
        let operations = try operations()
        let body = try WireFormat.readPush(
            WireFormat.pushRequestBytes(branch: "bj-01", operations: operations.map(\.stored)),
            limits: .standard
        )
        #expect(body.invoices.keys.sorted() == [0, 1, 2])
        for (index, operation) in operations.enumerated() {
            #expect(body.invoices[index]?.invoice == operation.invoice)
            #expect(body.invoices[index]?.bytes == operation.payloadBytes)
        }
        guard case .array(let elements)? = JSONMembers(body.value)?["operations"] else {
            Issue.record("no operations in \(body.value)")
            return
        }
        #expect(elements.map { JSONMembers($0)?["invoice"] } == [.null, .null, .null])
        expectEveryOperationRead(try WireFormat.pushItems(from: body).items, operations)
    }

    /// An invoice not in its canonical form (spaces, here) is left to the parser and judged on its
    /// value; the others are still read straight.
    @Test func anInvoiceInAnotherFormIsParsedAndTheOthersStillReadStraight() throws {
        let operations = try operations()
        var text = String(
            decoding: WireFormat.pushRequestBytes(branch: "bj-01", operations: operations.map(\.stored)),
            as: UTF8.self
        )
        let first = try #require(text.range(of: #""invoice":{"#))
        text.replaceSubrange(first, with: #""invoice":{ "#)
        let body = try WireFormat.readPush(Array(text.utf8), limits: .standard)
        #expect(body.invoices.keys.sorted() == [1, 2])
        expectEveryOperationRead(try WireFormat.pushItems(from: body).items, operations)
    }

    /// Spaces between an invoice's members are not its canonical bytes, but its value is the
    /// same: it is judged on the value and read, as before the bytes were compared.
    @Test func anInvoiceSentWithSpacesIsStillReadWhenItsBytesAreKept() throws {
        let operations = try operations()
        var text = String(
            decoding: WireFormat.pushRequestBytes(branch: "bj-01", operations: operations.map(\.stored)),
            as: UTF8.self
        )
        text = text.replacingOccurrences(of: #""invoice":{"#, with: #""invoice": { "#)
        text = text.replacingOccurrences(of: #","issueDate":"#, with: #" , "issueDate" :"#)
        let (_, items) = try pushItemsAsTheCentreReads(Array(text.utf8))
        expectEveryOperationRead(items, operations)
    }

    @Test func pushRequestBytesAreTheCanonicalEncodingOfThePushRequest() throws {
        let operations = try operations()
        #expect(
            WireFormat.pushRequestBytes(branch: "bj-01", operations: operations.map(\.stored))
                == WireFormat.pushRequest(branch: "bj-01", operations: operations).bytes
        )
    }

    @Test func anOperationsHashCoversTheCanonicalEnvelopeOfItsParts() throws {
        for operation in try operations() {
            #expect(
                operation.hash
                    == InvoiceOperation.hash(
                        kind: operation.kind,
                        invoiceID: operation.invoiceID,
                        clock: operation.clock,
                        payload: operation.invoice.canonicalJSON
                    )
            )
            #expect(operation.payloadBytes == operation.invoice.canonicalJSON.bytes)
        }
    }

    @Test func everyOutcomeSurvivesTheRoundTrip() throws {
        let remote = fixture.version(try fixture.invoice(), [RulesFixture.branch: 1, "central": 2])
        let outcomes: [PushOutcome] = [
            .accepted,
            .duplicate,
            .stale(current: VectorClock([RulesFixture.branch: 3])),
            .conflict(.concurrentEdit, remote: remote),
            .conflict(.duplicateNumber, remote: remote),
            .conflict(.editOfVoided, remote: fixture.version(fixture.voided(remote.invoice), ["central": 3])),
            .conflict(.contentDiffers, remote: remote),
            .rejected(reason: "gross must equal net + tax exactly"),
            .deferred(reason: "partial batch"),
        ]
        let list = outcomes.enumerated().map {
            OperationOutcome(operationID: SequentialIDSource.id(UInt64($0.offset + 1)), outcome: $0.element)
        }
        #expect(try WireFormat.outcomes(from: try wire(WireFormat.pushResponse(list))) == list)
        for outcome in list {
            #expect(try WireFormat.outcome(from: try wire(WireFormat.encode(outcome)), context: "o") == outcome)
        }
    }

    @Test func anUnknownOutcomeOrConflictKindIsRefused() throws {
        let outcome = WireFormat.encode(OperationOutcome(operationID: SequentialIDSource.id(1), outcome: .accepted))
        let unknown = replacing(["outcome"], in: outcome, with: .string("maybe"))
        #expect(throws: WireError.self) { try WireFormat.outcome(from: try wire(unknown), context: "o") }
        let remote = fixture.version(try fixture.invoice(), ["central": 1])
        let conflict = WireFormat.encode(
            OperationOutcome(operationID: SequentialIDSource.id(1), outcome: .conflict(.concurrentEdit, remote: remote))
        )
        let strangeKind = replacing(["conflictKind"], in: conflict, with: .string("feud"))
        #expect(throws: WireError.self) { try WireFormat.outcome(from: try wire(strangeKind), context: "o") }
    }

    @Test func aChangePageSurvivesTheRoundTrip() throws {
        let invoice = try fixture.invoice()
        let page = ChangePage(
            changes: [
                ChangePage.Change(
                    sequence: 7,
                    version: fixture.version(fixture.amended(invoice), [RulesFixture.branch: 1, "central": 1]),
                    changedBy: "central"
                ),
                ChangePage.Change(
                    sequence: 9,
                    version: fixture.version(fixture.voided(invoice), [RulesFixture.branch: 1, "central": 2]),
                    changedBy: "central"
                ),
            ],
            cursor: 9,
            hasMore: true
        )
        #expect(try ChangePage(json: try wire(page.canonicalJSON)) == page)
        let empty = ChangePage(changes: [], cursor: 42, hasMore: false)
        #expect(try ChangePage(json: try wire(empty.canonicalJSON)) == empty)
    }

    @Test func anInvoiceLookupSurvivesTheRoundTrip() throws {
        let lookup = InvoiceLookup(
            found: [
                fixture.version(try fixture.invoice(1, id: 1), [RulesFixture.branch: 1]),
                fixture.version(try fixture.invoice(2, id: 2), ["bj-02": 4]),
            ],
            missing: [SequentialIDSource.id(3), SequentialIDSource.id(4)]
        )
        #expect(try InvoiceLookup(json: try wire(lookup.canonicalJSON)) == lookup)
        let bad = replacing(["missing"], in: lookup.canonicalJSON, with: .array([.string("not-a-uuid")]))
        #expect(throws: WireError.self) { try InvoiceLookup(json: try wire(bad)) }
    }

    @Test func aHealthReportSurvivesTheRoundTrip() throws {
        let report = HealthReport(status: "ok", node: "central", store: "sqlite", invoices: 123_456)
        let read = try HealthReport(json: try wire(report.canonicalJSON))
        #expect(read == report)
        #expect(read.isHealthy)
        let down = HealthReport(status: "disk full", node: "central", store: "sqlite", invoices: 0)
        #expect(try HealthReport(json: try wire(down.canonicalJSON)).isHealthy == false)
    }

    /// Pushes `operations` with the item at `index` replaced by `spoil(item)`, and checks that
    /// only that item is malformed.
    func expectOnlyItemSpoiled(
        at index: Int,
        _ spoil: (CanonicalJSON) -> CanonicalJSON,
        operationID: UUID?,
        reasonContains: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let operations = try operations()
        var encoded = operations.map(WireFormat.encode)
        encoded[index] = spoil(encoded[index])
        let request = CanonicalJSON.object(["branch": .string("bj-01"), "operations": .array(encoded)])
        // Read as a value alone, and as the centre reads it, with each invoice's bytes.
        let (_, plainItems) = try WireFormat.pushItems(from: try wire(request))
        let (_, spannedItems) = try pushItemsAsTheCentreReads(request.bytes)
        for items in [plainItems, spannedItems] {
            try expectOnly(index, of: operations, spoiledIn: items, operationID, reasonContains, sourceLocation)
        }
    }

    /// A push request read as the centre reads it: each invoice sent in its canonical form read
    /// straight from its bytes.
    func pushItemsAsTheCentreReads(_ bytes: [UInt8]) throws -> (branch: String, items: [WireFormat.PushItem]) {
        try WireFormat.pushItems(from: WireFormat.readPush(bytes, limits: .standard))
    }

    func expectOnly(
        _ index: Int,
        of operations: [InvoiceOperation],
        spoiledIn items: [WireFormat.PushItem],
        _ operationID: UUID?,
        _ reasonContains: String,
        _ sourceLocation: SourceLocation
    ) throws {
        #expect(items.count == operations.count, sourceLocation: sourceLocation)
        for (position, (item, operation)) in zip(items, operations).enumerated() {
            switch item {
            case .operation(let read):
                #expect(position != index, "the spoiled item was read", sourceLocation: sourceLocation)
                #expect(read == operation, sourceLocation: sourceLocation)
            case .malformed(let id, let reason):
                #expect(position == index, "item \(position) was spoiled: \(reason)", sourceLocation: sourceLocation)
                #expect(id == operationID, sourceLocation: sourceLocation)
                #expect(reason.contains(reasonContains), "\(reason)", sourceLocation: sourceLocation)
                #expect(reason.contains("operations[\(index)]"), "\(reason)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func aTamperedHashSpoilsOnlyItsItem() throws {
        try expectOnlyItemSpoiled(
            at: 1,
            { replacing(["hash"], in: $0, with: .string(String(repeating: "a", count: 64))) },
            operationID: SequentialIDSource.id(12),
            reasonContains: "hash does not match"
        )
    }

    @Test func aChangedPayloadUnderTheOldHashSpoilsOnlyItsItem() throws {
        try expectOnlyItemSpoiled(
            at: 0,
            { replacing(["invoice", "buyer", "name"], in: $0, with: .string("别人")) },
            operationID: SequentialIDSource.id(11),
            reasonContains: "hash does not match"
        )
    }

    @Test func anUnknownExtraPayloadFieldSpoilsOnlyItsItem() throws {
        try expectOnlyItemSpoiled(
            at: 2,
            { replacing(["invoice", "discount"], in: $0, with: .string("10.00")) },
            operationID: SequentialIDSource.id(13),
            reasonContains: "does not know"
        )
    }

    @Test func anInvoiceIDMismatchSpoilsOnlyItsItem() throws {
        try expectOnlyItemSpoiled(
            at: 0,
            { replacing(["invoiceID"], in: $0, with: .string(SequentialIDSource.id(99).uuidString)) },
            operationID: SequentialIDSource.id(11),
            reasonContains: "invoiceID"
        )
    }

    @Test(arguments: [
        ("kind", CanonicalJSON.string("delete"), "kind"),
        ("clock", .object(["bj-01": .string("one")]), "clock"),
        ("invoice", .string("not an invoice"), "invoice"),
        ("hash", nil, "hash is missing"),
    ])
    func aMalformedFieldSpoilsOnlyItsItem(field: String, value: CanonicalJSON?, reason: String) throws {
        try expectOnlyItemSpoiled(
            at: 1,
            { replacing([field], in: $0, with: value) },
            operationID: SequentialIDSource.id(12),
            reasonContains: reason
        )
    }

    @Test func anItemWithoutAReadableIdIsMalformedWithoutAnId() throws {
        try expectOnlyItemSpoiled(
            at: 2,
            { replacing(["id"], in: $0, with: .string("13")) },
            operationID: nil,
            reasonContains: "id must be a UUID"
        )
        try expectOnlyItemSpoiled(at: 0, { _ in .array([]) }, operationID: nil, reasonContains: "must be a JSON object")
    }

    @Test func aRequestWithoutABranchOrOperationsIsRefusedAsAWhole() throws {
        #expect(throws: WireError.self) {
            try WireFormat.pushItems(from: try wire(.object(["operations": .array([])])))
        }
        #expect(throws: WireError.self) {
            try WireFormat.pushItems(from: try wire(.object(["branch": .string("bj-01"), "operations": .string("x")])))
        }
    }
}
