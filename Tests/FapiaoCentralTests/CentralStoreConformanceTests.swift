import FapiaoCentralStore
import FapiaoCore
import FapiaoPostgres
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

/// A way to make a fresh, empty store; every conformance test runs once per factory.
struct StoreFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let make:
        @Sendable (_ directory: TemporaryDirectory, _ now: @escaping @Sendable () -> UTCTimestamp) async throws ->
            any CentralStore

    var testDescription: String { name }

    static let memory = StoreFactory(name: "memory") { _, _ in InMemoryCentralStore() }
    static let sqlite = StoreFactory(name: "sqlite") { directory, now in
        try SQLiteCentralStore(path: directory.file("central/central.sqlite"), now: now)
    }

    /// A store in a database of its own on the test PostgreSQL server (``PostgresTestServer``).
    static let postgres = StoreFactory(name: "postgres") { _, now in
        let location = try await PostgresTestServer.newDatabase()
        return try await PostgresCentralStore(location: location, maximumConnections: 4, now: now)
    }

    /// Every store the conformance suite checks; a new store is one more entry.
    ///
    /// PostgreSQL is checked whenever a test server is configured, which `Tools/test` always does.
    static let all: [StoreFactory] =
        PostgresTestServer.isConfigured ? [.memory, .sqlite, .postgres] : [.memory, .sqlite]
}

/// A store in its own temporary directory, with a manual clock, and invoices to push to it.
struct CentralFixture {
    static let branch = "bj-01"
    static let otherBranch = "bj-02"

    let directory: TemporaryDirectory
    let clock = ManualClock()
    let store: any CentralStore

    init(_ factory: StoreFactory) async throws {
        directory = try TemporaryDirectory(prefix: "fapiao-central-tests")
        let clock = clock
        store = try await factory.make(directory) { clock.now }
    }

    /// The fixture invoice numbered `InvoiceFixtures.number(sequence)` with id `SequentialIDSource.id(id)`.
    func invoice(_ id: UInt64, number sequence: Int? = nil, branch: String = branch) throws -> Invoice {
        let context = CaptureContext(id: SequentialIDSource.id(id), capturedAt: clock.now, branch: branch)
        let input = InvoiceFixtures.validInput(clock: clock, number: InvoiceFixtures.number(sequence ?? Int(id)))
        return try InvoiceValidator.validate(input, context: context).invoice
    }

    /// An operation with id `SequentialIDSource.id(id)`.
    func operation(
        _ id: UInt64,
        _ kind: InvoiceOperation.Kind,
        _ invoice: Invoice,
        _ clock: [String: UInt64]
    ) -> InvoiceOperation {
        InvoiceOperation(id: SequentialIDSource.id(id), kind: kind, clock: VectorClock(clock), invoice: invoice)
    }

    /// The create operation of `invoice`: id `100,000 +` the invoice's sequential id, clock {branch: 1}.
    func create(_ invoice: Invoice) -> InvoiceOperation {
        let sequence = UInt64(invoice.id.uuidString.prefix(8), radix: 16) ?? 0
        return operation(100_000 + sequence, .create, invoice, [invoice.branch: 1])
    }

    /// Pushes and returns the outcomes alone.
    func push(_ operations: [InvoiceOperation], from branch: String = branch) async throws -> [PushOutcome] {
        let outcomes = try await store.push(operations, from: branch)
        #expect(outcomes.map(\.operationID) == operations.map(\.id))
        return outcomes.map(\.outcome)
    }

    /// The centre's current version of `id`, if it has one.
    func current(_ id: UUID) async throws -> RemoteVersion? {
        try await store.lookup([id]).found.first
    }

    /// The store's change feed once it has settled (``settledFeed(_:)``).
    func changes(
        branch: String,
        since cursor: Int64,
        limit: Int,
        scope: ChangeScope = .elsewhere
    ) async throws -> ChangePage {
        try await settledFeed { try await store.changes(branch: branch, since: cursor, limit: limit, scope: scope) }
    }

    func edit(_ invoice: Invoice, _ change: CentralEdit.Change, operation: UInt64) async throws -> RemoteVersion {
        try await store.edit(
            invoice.id,
            CentralEdit(change, actor: "总部", at: clock.now, operationID: SequentialIDSource.id(operation))
        )
    }
}

/// The change feed as `read` gives it once two reads in a row agree (at most 20 reads).
///
/// PostgreSQL's feed stops below every running transaction it cannot place in another
/// database, and one that ends between the read's snapshot and its look at the server's
/// activity cannot be placed: with every test's database on one server, a read now and then
/// stops short for that moment. That is the store being careful (a branch asks again and gets
/// the rest), so the tests check what the feed settles to; a feed that stays short still fails.
func settledFeed(_ read: () async throws -> ChangePage) async throws -> ChangePage {
    var page = try await read()
    for _ in 0..<20 {
        let again = try await read()
        if again == page { return page }
        page = again
        try await Task.sleep(for: .milliseconds(20))
    }
    return page
}

/// The error `body` throws as a ``CentralStoreError``, or `nil` when it throws nothing or something else.
func centralStoreError<T>(_ body: () async throws -> T) async -> CentralStoreError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? CentralStoreError
    }
}

@Suite struct CentralStoreConformanceTests {
    typealias Fixture = CentralFixture

    @Test(arguments: StoreFactory.all)
    func aNewInvoiceIsAcceptedAndCanBeLookedUp(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoice = try fixture.invoice(1)
        let create = fixture.create(invoice)
        #expect(try await fixture.push([create]) == [.accepted])
        let lookup = try await fixture.store.lookup([SequentialIDSource.id(9), invoice.id, SequentialIDSource.id(8)])
        #expect(lookup.found == [RemoteVersion(invoice: invoice, clock: create.clock)])
        #expect(lookup.missing == [SequentialIDSource.id(9), SequentialIDSource.id(8)])
        #expect(try await fixture.store.invoiceCount() == 1)
        #expect(fixture.store.node == "central")
        #expect(fixture.store.kind == factory.name)
        try await fixture.store.close()
    }

    @Test(arguments: StoreFactory.all)
    func theSameOperationAgainIsADuplicateAndAReusedIdIsRejected(factory: StoreFactory) async throws {
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
    }

    @Test(arguments: StoreFactory.all)
    func anInvalidInvoiceIsRejectedAndNotStored(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        var invoice = try fixture.invoice(1)
        invoice.tax = Money(minorUnits: invoice.tax.minorUnits + 1)
        let outcomes = try await fixture.push([fixture.create(invoice)])
        guard case .rejected(let reason) = outcomes.first else {
            Issue.record("expected rejected, got \(outcomes)")
            return
        }
        #expect(reason.contains("gross"))
        #expect(try await fixture.store.invoiceCount() == 0)
        #expect(try await fixture.store.lookup([invoice.id]).missing == [invoice.id])
        // The id was not recorded: the corrected invoice under the same op id is accepted.
        #expect(try await fixture.push([fixture.create(try fixture.invoice(1))]) == [.accepted])
    }

    @Test(arguments: StoreFactory.all)
    func aDominatingClockIsAcceptedAndAnEqualOrOlderOneIsStale(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoice = try fixture.invoice(1)
        var amended = invoice
        amended.buyer.name = "北京新客户有限公司"
        let branch = Fixture.branch
        let amend = fixture.operation(2, .amend, amended, [branch: 2])
        #expect(try await fixture.push([fixture.create(invoice), amend]) == [.accepted, .accepted])
        #expect(try await fixture.current(invoice.id) == RemoteVersion(invoice: amended, clock: amend.clock))
        let current = VectorClock([branch: 2])
        let equal = fixture.operation(3, .amend, invoice, [branch: 2])
        let older = fixture.operation(4, .amend, invoice, [branch: 1])
        #expect(try await fixture.push([equal, older]) == [.stale(current: current), .stale(current: current)])
        #expect(try await fixture.current(invoice.id) == RemoteVersion(invoice: amended, clock: amend.clock))
    }

    @Test(arguments: StoreFactory.all)
    func concurrentEditsAreConflictsCarryingTheCentresVersion(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoice = try fixture.invoice(1)
        #expect(try await fixture.push([fixture.create(invoice)]) == [.accepted])
        let central = try await fixture.edit(invoice, .amend(["note": "总部备注"]), operation: 50)
        var mine = invoice
        mine.buyer.name = "北京新客户有限公司"
        let amend = fixture.operation(2, .amend, mine, [Fixture.branch: 2])
        #expect(try await fixture.push([amend]) == [.conflict(.concurrentEdit, remote: central)])
        #expect(try await fixture.current(invoice.id) == central)

        let voided = try await fixture.edit(invoice, .void(reason: "开错了"), operation: 51)
        let again = fixture.operation(3, .amend, mine, [Fixture.branch: 2])
        #expect(try await fixture.push([again]) == [.conflict(.editOfVoided, remote: voided)])
        // A dominating amend cannot un-void the invoice; a resolution may.
        let clock = voided.clock.incremented(at: Fixture.branch).counters
        let dominating = fixture.operation(4, .amend, mine, clock)
        guard case .rejected = try await fixture.push([dominating]).first else {
            Issue.record("a dominating amend un-voided the invoice")
            return
        }
        #expect(try await fixture.current(invoice.id) == voided)
        let resolve = fixture.operation(5, .resolve, mine, clock)
        #expect(try await fixture.push([resolve]) == [.accepted])
        #expect(try await fixture.current(invoice.id) == RemoteVersion(invoice: mine, clock: resolve.clock))
    }

    @Test(arguments: StoreFactory.all)
    func aDuplicateNumberFromAnotherBranchLeavesTheFirstUntouched(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let first = try fixture.invoice(1, number: 7)
        let second = try fixture.invoice(2, number: 7, branch: Fixture.otherBranch)
        let firstCreate = fixture.operation(11, .create, first, [Fixture.branch: 1])
        #expect(try await fixture.push([firstCreate]) == [.accepted])
        let owner = RemoteVersion(invoice: first, clock: firstCreate.clock)
        let secondCreate = fixture.operation(12, .create, second, [Fixture.otherBranch: 1])
        #expect(
            try await fixture.push([secondCreate], from: Fixture.otherBranch) == [
                .conflict(.duplicateNumber, remote: owner)
            ]
        )
        let lookup = try await fixture.store.lookup([first.id, second.id])
        #expect(lookup.found == [owner])
        #expect(lookup.missing == [second.id])
        #expect(try await fixture.store.invoiceCount() == 1)
        // The refused operation was not recorded: once renumbered under the same id it is accepted.
        let renumbered = try fixture.invoice(2, number: 8, branch: Fixture.otherBranch)
        let retry = fixture.operation(13, .create, renumbered, [Fixture.otherBranch: 1])
        #expect(try await fixture.push([retry], from: Fixture.otherBranch) == [.accepted])
        // Amending an invoice onto a number another invoice owns is a conflict too.
        var clash = renumbered
        clash.number = first.number
        let amend = fixture.operation(14, .amend, clash, [Fixture.otherBranch: 2])
        #expect(
            try await fixture.push([amend], from: Fixture.otherBranch) == [.conflict(.duplicateNumber, remote: owner)]
        )
    }

    @Test(arguments: StoreFactory.all)
    func aBatchWithMixedOutcomesAnswersEachItemInOrder(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let a = try fixture.invoice(1)
        let b = try fixture.invoice(2)
        let clash = try fixture.invoice(3, number: 1)
        var invalid = try fixture.invoice(4)
        invalid.gross = Money(minorUnits: 1)
        let empty = fixture.operation(20, .create, try fixture.invoice(5), [:])
        var amendedA = a
        amendedA.note = "同批修改"
        let amendA = fixture.operation(21, .amend, amendedA, [Fixture.branch: 2])
        let staleA = fixture.operation(22, .amend, a, [Fixture.branch: 1])
        let batch = [
            fixture.create(a), fixture.create(b), fixture.create(clash), fixture.create(invalid), empty, amendA,
            fixture.create(a), staleA,
        ]
        let outcomes = try await fixture.push(batch)
        #expect(
            outcomes.map(\.name) == [
                "accepted", "accepted", "conflict", "rejected", "rejected", "accepted", "duplicate", "stale",
            ]
        )
        // Later items see earlier ones: the clash names A as the owner, the stale item A's new clock.
        #expect(
            outcomes[2]
                == .conflict(
                    .duplicateNumber,
                    remote: RemoteVersion(invoice: a, clock: VectorClock([Fixture.branch: 1]))
                )
        )
        #expect(outcomes[7] == .stale(current: amendA.clock))
        #expect(try await fixture.store.invoiceCount() == 2)
        #expect(try await fixture.current(a.id) == RemoteVersion(invoice: amendedA, clock: amendA.clock))
    }

    @Test(arguments: StoreFactory.all)
    func numbersFreedAndTakenWithinOneBatchFollowTheBatchsOrder(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let a = try fixture.invoice(1, number: 1)
        let b = try fixture.invoice(2, number: 2)
        #expect(try await fixture.push([fixture.create(a), fixture.create(b)]) == [.accepted, .accepted])
        // One batch swaps A's and B's numbers through a spare one, then a new invoice C takes
        // the spare number back: every step is valid only after the one before it.
        func renumbered(_ invoice: Invoice, _ sequence: Int) -> Invoice {
            var copy = invoice
            copy.number = InvoiceFixtures.number(sequence)
            return copy
        }
        let aToSpare = fixture.operation(61, .amend, renumbered(a, 9), [Fixture.branch: 2])
        let bToOne = fixture.operation(62, .amend, renumbered(b, 1), [Fixture.branch: 2])
        let aToTwo = fixture.operation(63, .amend, renumbered(a, 2), [Fixture.branch: 3])
        let c = try fixture.invoice(3, number: 9)
        let takeTwo = fixture.create(try fixture.invoice(4, number: 2))
        let outcomes = try await fixture.push([aToSpare, bToOne, aToTwo, fixture.create(c), takeTwo])
        #expect(outcomes.map(\.name) == ["accepted", "accepted", "accepted", "accepted", "conflict"])
        #expect(
            outcomes[4]
                == .conflict(.duplicateNumber, remote: RemoteVersion(invoice: aToTwo.invoice, clock: aToTwo.clock))
        )
        let lookup = try await fixture.store.lookup([a.id, b.id, c.id])
        #expect(lookup.found.map(\.invoice.number) == [2, 1, 9].map { InvoiceFixtures.number($0) })
        #expect(try await fixture.store.invoiceCount() == 3)
        // The whole batch again: every operation a duplicate, nothing moved.
        let replay = try await fixture.push([aToSpare, bToOne, aToTwo, fixture.create(c)])
        #expect(replay == Array(repeating: .duplicate, count: 4))
        #expect(try await fixture.store.lookup([a.id, b.id, c.id]) == lookup)
    }

    @Test(arguments: StoreFactory.all)
    func replayingAWholeBatchGivesDuplicatesAndChangesNothing(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoices = try (1...5).map { try fixture.invoice(UInt64($0)) }
        var batch = invoices.map(fixture.create)
        var amended = invoices[0]
        amended.note = "改"
        batch.append(fixture.operation(30, .amend, amended, [Fixture.branch: 2]))
        #expect(try await fixture.push(batch) == Array(repeating: .accepted, count: 6))
        let edited = try await fixture.edit(invoices[1], .void(reason: "总部作废"), operation: 40)
        let ids = invoices.map(\.id)
        let before = try await fixture.store.lookup(ids)
        let feed = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 100)

        #expect(try await fixture.push(batch) == Array(repeating: .duplicate, count: 6))
        #expect(try await fixture.store.lookup(ids) == before)
        #expect(try await fixture.store.invoiceCount() == 5)
        // Had the replay been applied again, the voided invoice would be the branch's own change
        // again and would have left the feed; the sequence numbers would have moved.
        #expect(try await fixture.changes(branch: Fixture.branch, since: 0, limit: 100) == feed)
        #expect(feed.changes.map(\.version) == [edited])
    }

    @Test(arguments: StoreFactory.all)
    func theChangesFeedPagesThroughOtherNodesChangesToABranchsInvoices(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let mine = try (1...3).map { try fixture.invoice(UInt64($0)) }
        let theirs = try fixture.invoice(4, branch: Fixture.otherBranch)
        #expect(try await fixture.push(mine.map(fixture.create)) == [.accepted, .accepted, .accepted])
        #expect(try await fixture.push([fixture.create(theirs)], from: Fixture.otherBranch) == [.accepted])
        #expect(try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10).changes.isEmpty)

        let voided = try await fixture.edit(mine[2], .void(reason: "作废"), operation: 50)
        _ = try await fixture.edit(theirs, .amend(["note": "别的分支"]), operation: 51)
        var byOther = mine[0]
        byOther.note = "由另一分支修改"
        let otherAmend = fixture.operation(52, .amend, byOther, [Fixture.branch: 1, Fixture.otherBranch: 1])
        #expect(try await fixture.push([otherAmend], from: Fixture.otherBranch) == [.accepted])
        let amended = try await fixture.edit(mine[1], .amend(["buyer.name": "新买方有限公司"]), operation: 53)

        let all = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10)
        #expect(
            all.changes.map(\.version) == [voided, RemoteVersion(invoice: byOther, clock: otherAmend.clock), amended]
        )
        #expect(all.changes.map(\.changedBy) == ["central", Fixture.otherBranch, "central"])
        let sequences = all.changes.map(\.sequence)
        #expect(sequences == sequences.sorted() && Set(sequences).count == 3)
        #expect(all.cursor == sequences.last)
        #expect(!all.hasMore)

        var cursor: Int64 = 0
        var paged: [ChangePage.Change] = []
        for expectedMore in [true, true, false] {
            let page = try await fixture.changes(branch: Fixture.branch, since: cursor, limit: 1)
            #expect(page.changes.count == 1)
            #expect(page.hasMore == expectedMore)
            #expect(page.cursor == page.changes.last?.sequence)
            paged += page.changes
            cursor = page.cursor
        }
        #expect(paged == all.changes)
        let end = try await fixture.changes(branch: Fixture.branch, since: cursor, limit: 1)
        #expect(end == ChangePage(changes: [], cursor: cursor, hasMore: false))
        let zero = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 0)
        #expect(zero == ChangePage(changes: [], cursor: 0, hasMore: true))

        // The branch pushing the invoice again takes it out of its own feed.
        var back = mine[1]
        back.buyer.name = "新买方有限公司"
        back.note = "分支确认"
        let resolve = fixture.operation(54, .amend, back, amended.clock.incremented(at: Fixture.branch).counters)
        #expect(try await fixture.push([resolve]) == [.accepted])
        let after = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10)
        #expect(after.changes.map(\.version.invoice.id) == [mine[2].id, mine[0].id])
        let theirFeed = try await fixture.changes(branch: Fixture.otherBranch, since: 0, limit: 10)
        #expect(theirFeed.changes.map(\.version.invoice.id) == [theirs.id])
    }

    @Test(arguments: StoreFactory.all)
    func theWholeScopeListsTheBranchsOwnChangesTooButNeverAnotherBranchs(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let mine = try (1...3).map { try fixture.invoice(UInt64($0)) }
        let theirs = try fixture.invoice(4, branch: Fixture.otherBranch)
        let creates = mine.map(fixture.create)
        #expect(try await fixture.push(creates) == [.accepted, .accepted, .accepted])
        #expect(try await fixture.push([fixture.create(theirs)], from: Fixture.otherBranch) == [.accepted])
        let own = creates.map { RemoteVersion(invoice: $0.invoice, clock: $0.clock) }

        let pushedOnly = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10, scope: .all)
        #expect(pushedOnly.changes.map(\.version) == own)
        #expect(pushedOnly.changes.map(\.changedBy) == Array(repeating: Fixture.branch, count: 3))
        #expect(!pushedOnly.hasMore)
        let pulled = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10, scope: .elsewhere)
        #expect(pulled.changes.isEmpty)
        // The three-argument call is the `.elsewhere` feed.
        #expect(try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10).changes.isEmpty)

        let amended = try await fixture.edit(mine[1], .amend(["note": "总部备注"]), operation: 80)
        _ = try await fixture.edit(theirs, .amend(["note": "别的分支"]), operation: 81)

        let all = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10, scope: .all)
        #expect(all.changes.map(\.version) == [own[0], own[2], amended])
        #expect(all.changes.map(\.changedBy) == [Fixture.branch, Fixture.branch, "central"])
        let sequences = all.changes.map(\.sequence)
        #expect(sequences == sequences.sorted() && Set(sequences).count == 3)
        #expect(all.cursor == sequences.last)
        #expect(!all.hasMore)
        let elsewhere = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10, scope: .elsewhere)
        #expect(elsewhere.changes == [all.changes[2]])

        var cursor: Int64 = 0
        var paged: [ChangePage.Change] = []
        for expectedMore in [true, true, false] {
            let page = try await fixture.changes(branch: Fixture.branch, since: cursor, limit: 1, scope: .all)
            #expect(page.changes.count == 1)
            #expect(page.hasMore == expectedMore)
            #expect(page.cursor == page.changes.last?.sequence)
            paged += page.changes
            cursor = page.cursor
        }
        #expect(paged == all.changes)
        let end = try await fixture.changes(branch: Fixture.branch, since: cursor, limit: 1, scope: .all)
        #expect(end == ChangePage(changes: [], cursor: cursor, hasMore: false))
        let zero = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 0, scope: .all)
        #expect(zero == ChangePage(changes: [], cursor: 0, hasMore: true))
        let tail = try await fixture.changes(branch: Fixture.branch, since: sequences[0], limit: 10, scope: .all)
        #expect(tail.changes == Array(all.changes.dropFirst()))

        // Another branch's invoices never appear, in either scope, and its own feed holds only them.
        for scope in ChangeScope.allCases {
            let feed = try await fixture.changes(branch: Fixture.branch, since: 0, limit: 10, scope: scope)
            #expect(feed.changes.allSatisfy { $0.version.invoice.branch == Fixture.branch })
            #expect(!feed.changes.map(\.version.invoice.id).contains(theirs.id))
            let theirFeed = try await fixture.changes(
                branch: Fixture.otherBranch,
                since: 0,
                limit: 10,
                scope: scope
            )
            #expect(theirFeed.changes.map(\.version.invoice.id) == [theirs.id])
            #expect(theirFeed.changes.map(\.changedBy) == ["central"])
        }
        #expect(
            try await fixture.changes(branch: "bj-09", since: 0, limit: 10, scope: .all)
                == ChangePage(changes: [], cursor: 0, hasMore: false)
        )
    }

    @Test(arguments: StoreFactory.all)
    func centralEditsTickTheCentresClockEntry(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoice = try fixture.invoice(1)
        #expect(try await fixture.push([fixture.create(invoice)]) == [.accepted])

        let amended = try await fixture.edit(invoice, .amend(["buyer.name": "总部改的买方"]), operation: 60)
        #expect(amended.clock == VectorClock([Fixture.branch: 1, "central": 1]))
        #expect(amended.invoice.buyer.name == "总部改的买方")
        #expect(amended.invoice.id == invoice.id)
        #expect(amended.invoice.capturedAt == invoice.capturedAt)
        #expect(try await fixture.current(invoice.id) == amended)

        fixture.clock.advance(byMilliseconds: 60_000)
        let voided = try await fixture.edit(invoice, .void(reason: " 重复开具 "), operation: 61)
        #expect(voided.clock == VectorClock([Fixture.branch: 1, "central": 2]))
        #expect(voided.invoice.void == VoidRecord(reason: "重复开具", at: fixture.clock.now, by: "总部"))
        #expect(voided.invoice.buyer.name == "总部改的买方")
        #expect(try await fixture.current(invoice.id) == voided)
        // The centre's edits are operations like any other: a replay of one by a branch is a duplicate.
        let replay = fixture.operation(61, .void, voided.invoice, voided.clock.counters)
        #expect(try await fixture.push([replay]) == [.duplicate])
    }

    @Test(arguments: StoreFactory.all)
    func centralEditsThatBreakARuleAreRefused(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoice = try fixture.invoice(1)
        let other = try fixture.invoice(2)
        #expect(try await fixture.push([fixture.create(invoice), fixture.create(other)]) == [.accepted, .accepted])
        let original = try await fixture.store.lookup([invoice.id, other.id])

        let unknown = try fixture.invoice(9)
        #expect(
            await centralStoreError { try await fixture.edit(unknown, .void(reason: "x"), operation: 70) }?.code
                == .invoiceNotFound
        )
        #expect(
            await centralStoreError { try await fixture.edit(invoice, .void(reason: "  "), operation: 71) }?.code
                == .invalidEdit
        )
        #expect(
            await centralStoreError { try await fixture.edit(invoice, .amend(["gross": "1.00"]), operation: 72) }?.code
                == .invalidEdit
        )
        #expect(
            await centralStoreError { try await fixture.edit(invoice, .amend(["branch": "bj-09"]), operation: 73) }?
                .code == .invalidEdit
        )
        let clash = await centralStoreError {
            try await fixture.edit(invoice, .amend(["number": other.number]), operation: 74)
        }
        #expect(clash?.code == .invalidEdit)
        #expect(clash?.message.contains(other.number) == true)
        #expect(try await fixture.store.lookup([invoice.id, other.id]) == original)

        _ = try await fixture.edit(invoice, .void(reason: "作废"), operation: 75)
        #expect(
            await centralStoreError { try await fixture.edit(invoice, .amend(["note": "x"]), operation: 76) }?.code
                == .invalidEdit
        )
        // None of the refused edits' ids were recorded.
        let later = try await fixture.edit(other, .amend(["note": "ok"]), operation: 74)
        #expect(later.invoice.note == "ok")
    }

    @Test(arguments: StoreFactory.all)
    func aLargeBatchIsAppliedInOrder(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let invoices = try (1...700).map { index in
            var invoice = try fixture.invoice(UInt64(index))
            invoice.note = "第\(index)张"
            return invoice
        }
        let creates = invoices.map(fixture.create)
        let outcomes = try await fixture.push(creates)
        #expect(outcomes == Array(repeating: .accepted, count: creates.count))
        let lookup = try await fixture.store.lookup(invoices.map(\.id))
        #expect(lookup.found == creates.map { RemoteVersion(invoice: $0.invoice, clock: $0.clock) })
    }

    @Test(arguments: StoreFactory.all)
    func concurrentPushesApplyEachOperationExactlyOnce(factory: StoreFactory) async throws {
        let fixture = try await Fixture(factory)
        let tasks = 8
        let perTask = 200
        var groups: [[InvoiceOperation]] = []
        for task in 0..<tasks {
            let branch = "bj-0\(task)"
            groups.append(
                try (0..<perTask).map { index in
                    let number = task * perTask + index + 1
                    return fixture.create(try fixture.invoice(UInt64(number), branch: branch))
                }
            )
        }
        // Each task pushes its own group and its neighbour's, in batches of 25, so every
        // operation is pushed twice by two tasks racing each other.
        let store = fixture.store
        let groupsToPush = groups
        let results = try await withThrowingTaskGroup(of: [PushOutcome].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var outcomes: [PushOutcome] = []
                    let mine = groupsToPush[task]
                    let neighbour = groupsToPush[(task + 1) % tasks]
                    for start in stride(from: 0, to: perTask, by: 25) {
                        for operations in [mine[start..<start + 25], neighbour[start..<start + 25]] {
                            let answered = try await store.push(Array(operations), from: "bj-0\(task)")
                            outcomes += answered.map(\.outcome)
                        }
                    }
                    return outcomes
                }
            }
            var all: [PushOutcome] = []
            for try await outcomes in group { all += outcomes }
            return all
        }
        #expect(results.count == 2 * tasks * perTask)
        #expect(results.filter { $0 == .accepted }.count == tasks * perTask)
        #expect(results.filter { $0 == .duplicate }.count == tasks * perTask)
        #expect(try await store.invoiceCount() == Int64(tasks * perTask))
        let ids = groups.flatMap { $0.map(\.invoiceID) }
        let lookup = try await store.lookup(ids)
        #expect(lookup.missing.isEmpty)
        #expect(Set(lookup.found.map(\.invoice.id)).count == ids.count)
        #expect(lookup.found.allSatisfy { $0.clock == VectorClock([$0.invoice.branch: 1]) })
        // Pushing everything once more is all duplicates.
        let replay = try await store.push(groups.flatMap { $0 }, from: "bj-00")
        #expect(replay.allSatisfy { $0.outcome == .duplicate })
    }
}
