import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

/// One suite over the ``RemoteAdapter`` seam: HTTP to the central service, the SQLite and
/// PostgreSQL stores written directly, and an `exec:` program must give a branch the same
/// answers (outcomes, duplicates on replay, partly applied batches, change feed, lookups).
@Suite struct RemoteAdapterConformanceTests {
    static let branch = "bj-01"
    static let otherBranch = "bj-02"

    /// A centre behind an adapter, with invoices to push to it.
    struct Fixture {
        let directory: TemporaryDirectory
        let clock = ManualClock()
        let centre: AdapterUnderTest
        let remote: any RemoteAdapter

        init(_ factory: AdapterFactory) async throws {
            directory = try TemporaryDirectory(prefix: "fapiao-adapter-tests")
            centre = try await factory.make(directory)
            remote = try await centre.remote(RemoteAdapterConformanceTests.branch)
        }

        func invoice(_ id: UInt64, number: Int? = nil, branch: String = branch) throws -> Invoice {
            let context = CaptureContext(id: SequentialIDSource.id(id), capturedAt: clock.now, branch: branch)
            let input = InvoiceFixtures.validInput(clock: clock, number: InvoiceFixtures.number(number ?? Int(id)))
            return try InvoiceValidator.validate(input, context: context).invoice
        }

        func operation(
            _ id: UInt64,
            _ kind: InvoiceOperation.Kind,
            _ invoice: Invoice,
            _ clock: [String: UInt64]
        )
            -> InvoiceOperation
        {
            InvoiceOperation(id: SequentialIDSource.id(id), kind: kind, clock: VectorClock(clock), invoice: invoice)
        }

        func create(_ invoice: Invoice) -> InvoiceOperation {
            let sequence = UInt64(invoice.id.uuidString.prefix(8), radix: 16) ?? 0
            return operation(100_000 + sequence, .create, invoice, [invoice.branch: 1])
        }

        /// Pushes through `remote` and returns the outcomes, checking they answer the operations in order.
        func push(
            _ operations: [InvoiceOperation],
            through remote: (any RemoteAdapter)? = nil
        ) async throws
            -> [PushOutcome]
        {
            let remote = remote ?? self.remote
            let outcomes = try await remote.push(operations, branch: operations.first?.invoice.branch ?? branch)
            #expect(outcomes.map(\.operationID) == operations.map(\.id))
            return outcomes.map(\.outcome)
        }

        func current(_ id: UUID) async throws -> RemoteVersion? {
            try await remote.lookup([id]).found.first
        }

        func finish() async {
            await remote.shutdown()
            await centre.close()
        }
    }

    @Test(arguments: AdapterFactory.all)
    func aNewInvoiceIsAcceptedAndCanBeLookedUp(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        let health = try await fixture.remote.health()
        #expect(health.isHealthy)
        #expect(health.node == "central")
        let invoice = try fixture.invoice(1)
        let create = fixture.create(invoice)
        #expect(try await fixture.push([create]) == [.accepted])
        let lookup = try await fixture.remote.lookup([SequentialIDSource.id(9), invoice.id])
        #expect(lookup.found == [RemoteVersion(invoice: invoice, clock: create.clock)])
        #expect(lookup.missing == [SequentialIDSource.id(9)])
        #expect(try await fixture.remote.health().invoices == 1)
        await fixture.finish()
    }

    @Test(arguments: AdapterFactory.all)
    func aReplayIsADuplicateAndAReusedIdIsRejected(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoice = try fixture.invoice(1)
        let create = fixture.create(invoice)
        #expect(try await fixture.push([create]) == [.accepted])
        #expect(try await fixture.push([create]) == [.duplicate])
        var other = invoice
        other.note = "另一个版本"
        let reused = InvoiceOperation(id: create.id, kind: .create, clock: create.clock, invoice: other)
        let outcomes = try await fixture.push([reused])
        guard case .rejected(let reason) = outcomes.first else {
            Issue.record("expected rejected, got \(outcomes)")
            return
        }
        #expect(reason.contains("never reused"))
        #expect(try await fixture.current(invoice.id) == RemoteVersion(invoice: invoice, clock: create.clock))
        await fixture.finish()
    }

    @Test(arguments: AdapterFactory.all)
    func anInvalidInvoiceIsRejectedAndNotStored(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        var invoice = try fixture.invoice(1)
        invoice.tax = Money(minorUnits: invoice.tax.minorUnits + 1)
        let outcomes = try await fixture.push([fixture.create(invoice)])
        guard case .rejected(let reason) = outcomes.first else {
            Issue.record("expected rejected, got \(outcomes)")
            return
        }
        #expect(reason.contains("gross"))
        #expect(try await fixture.remote.lookup([invoice.id]).missing == [invoice.id])
        await fixture.finish()
    }

    /// A branch sends operations as stored; one whose payload was forged with its hash (no invoice
    /// in it) is refused alone, as an unreadable item, and the others of the batch are applied.
    @Test(arguments: AdapterFactory.all)
    func anOperationWhosePayloadIsNoInvoiceIsRejectedAlone(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        let first = fixture.create(try fixture.invoice(1))
        let last = fixture.create(try fixture.invoice(3))
        let forgedInvoiceID = SequentialIDSource.id(2)
        let payload = CanonicalJSON.object(["id": .string(forgedInvoiceID.uuidText), "note": .string("no invoice")])
        let clock = VectorClock([Self.branch: 1])
        let forged = try #require(
            StoredOperation(
                id: SequentialIDSource.id(200),
                invoiceID: forgedInvoiceID,
                kind: .create,
                clock: clock,
                payloadBytes: payload.bytes,
                hash: InvoiceOperation.hash(kind: .create, invoiceID: forgedInvoiceID, clock: clock, payload: payload)
            )
        )
        let outcomes = try await fixture.remote.push([first.stored, forged, last.stored], branch: Self.branch)
        #expect(outcomes.map(\.operationID) == [first.id, forged.id, last.id])
        #expect(outcomes.first?.outcome == .accepted)
        #expect(outcomes.last?.outcome == .accepted)
        guard outcomes.count == 3, case .rejected(let reason) = outcomes[1].outcome else {
            Issue.record("expected the forged operation rejected, got \(outcomes)")
            await fixture.finish()
            return
        }
        #expect(reason.contains("invoice"))
        let lookup = try await fixture.remote.lookup([first.invoiceID, forgedInvoiceID, last.invoiceID])
        #expect(Set(lookup.found.map(\.invoice.id)) == [first.invoiceID, last.invoiceID])
        #expect(lookup.missing == [forgedInvoiceID])
        await fixture.finish()
    }

    @Test(arguments: AdapterFactory.all)
    func aDominatingClockIsAcceptedAndAnOlderOneIsStale(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoice = try fixture.invoice(1)
        #expect(try await fixture.push([fixture.create(invoice)]) == [.accepted])
        var amended = invoice
        amended.note = "第二版"
        let amend = fixture.operation(2, .amend, amended, [Self.branch: 2])
        #expect(try await fixture.push([amend]) == [.accepted])
        let older = fixture.operation(3, .amend, invoice, [Self.branch: 1])
        #expect(try await fixture.push([older]) == [.stale(current: VectorClock([Self.branch: 2]))])
        #expect(try await fixture.current(invoice.id) == RemoteVersion(invoice: amended, clock: amend.clock))
        await fixture.finish()
    }

    @Test(arguments: AdapterFactory.all)
    func editsConcurrentWithHQAreConflictsCarryingTheCentresVersion(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        let first = try fixture.invoice(1)
        let second = try fixture.invoice(2)
        #expect(try await fixture.push([fixture.create(first), fixture.create(second)]) == [.accepted, .accepted])
        try await fixture.centre.edit(first.id, .amend(["note": "总部备注"]))
        try await fixture.centre.edit(second.id, .void(reason: "开错了"))
        var local = first
        local.note = "分支备注"
        let amend = fixture.operation(3, .amend, local, [Self.branch: 2])
        var localSecond = second
        localSecond.note = "分支备注"
        let amendVoided = fixture.operation(4, .amend, localSecond, [Self.branch: 2])
        let outcomes = try await fixture.push([amend, amendVoided])
        let hqFirst = try #require(try await fixture.current(first.id))
        let hqSecond = try #require(try await fixture.current(second.id))
        #expect(hqFirst.invoice.note == "总部备注")
        #expect(hqFirst.clock == VectorClock([Self.branch: 1, "central": 1]))
        #expect(hqSecond.invoice.void != nil)
        #expect(outcomes == [.conflict(.concurrentEdit, remote: hqFirst), .conflict(.editOfVoided, remote: hqSecond)])
        await fixture.finish()
    }

    @Test(arguments: AdapterFactory.all)
    func aNumberTakenByAnotherBranchIsADuplicateNumberConflict(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        let mine = try fixture.invoice(1, number: 7)
        #expect(try await fixture.push([fixture.create(mine)]) == [.accepted])
        let theirs = try fixture.invoice(2, number: 7, branch: Self.otherBranch)
        let other = try await fixture.centre.remote(Self.otherBranch)
        let outcomes = try await fixture.push([fixture.create(theirs)], through: other)
        let holder = RemoteVersion(invoice: mine, clock: VectorClock([Self.branch: 1]))
        #expect(outcomes == [.conflict(.duplicateNumber, remote: holder)])
        #expect(try await fixture.remote.lookup([theirs.id]).missing == [theirs.id])
        await other.shutdown()
        await fixture.finish()
    }

    @Test(arguments: AdapterFactory.all)
    func aBatchPartlyAppliedBeforeIsAnsweredItemByItemInOrder(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoices = try (1...4).map { try fixture.invoice(UInt64($0)) }
        let creates = invoices.map(fixture.create)
        #expect(try await fixture.push(Array(creates.prefix(2))) == [.accepted, .accepted])
        var broken = invoices[3]
        broken.gross = Money(minorUnits: broken.gross.minorUnits + 100)
        let batch = creates.prefix(3) + [fixture.create(broken)]
        let outcomes = try await fixture.push(Array(batch))
        #expect(Array(outcomes.prefix(3)) == [.duplicate, .duplicate, .accepted])
        guard case .rejected = outcomes.last else {
            Issue.record("expected the broken invoice rejected, got \(outcomes)")
            return
        }
        #expect(try await fixture.remote.health().invoices == 3)
        await fixture.finish()
    }

    @Test(arguments: AdapterFactory.all)
    func theChangeFeedListsHQsChangesAndTheWholeScopeEveryInvoice(factory: AdapterFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoices = try (1...3).map { try fixture.invoice(UInt64($0)) }
        _ = try await fixture.push(invoices.map(fixture.create))
        let theirs = try fixture.invoice(4, branch: Self.otherBranch)
        let other = try await fixture.centre.remote(Self.otherBranch)
        #expect(try await fixture.push([fixture.create(theirs)], through: other) == [.accepted])
        #expect(
            try await settledFeed { try await fixture.remote.changes(branch: Self.branch, since: 0, limit: 10) }.changes
                .isEmpty
        )

        try await fixture.centre.edit(invoices[2].id, .void(reason: "作废"))
        let pulled = try await settledFeed {
            try await fixture.remote.changes(branch: Self.branch, since: 0, limit: 10)
        }
        #expect(pulled.changes.map(\.version.invoice.id) == [invoices[2].id])
        #expect(pulled.changes.map(\.changedBy) == ["central"])
        #expect(pulled.changes.first?.version.invoice.void?.reason == "作废")
        #expect(pulled.cursor == pulled.changes.last?.sequence)
        #expect(!pulled.hasMore)
        let after = try await settledFeed {
            try await fixture.remote.changes(branch: Self.branch, since: pulled.cursor, limit: 10)
        }
        #expect(after == ChangePage(changes: [], cursor: pulled.cursor, hasMore: false))

        var cursor: Int64 = 0
        var everything: [ChangePage.Change] = []
        while true {
            let page = try await settledFeed {
                try await fixture.remote.changes(branch: Self.branch, since: cursor, limit: 2, scope: .all)
            }
            #expect(page.changes.count <= 2)
            everything += page.changes
            cursor = page.cursor
            if !page.hasMore { break }
        }
        #expect(Set(everything.map(\.version.invoice.id)) == Set(invoices.map(\.id)))
        #expect(everything.map(\.sequence) == everything.map(\.sequence).sorted())
        await other.shutdown()
        await fixture.finish()
    }
}
