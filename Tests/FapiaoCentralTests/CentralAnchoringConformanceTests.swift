import FapiaoCentralStore
import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// Every store anchors a branch's audit chain alike (DESIGN §6): what continues the chain is
/// appended, anything else is a chain break recorded with both heads, after which the branch's
/// pushes are refused until HQ acknowledges it and the branch's next chain starts anew.
@Suite struct CentralAnchoringConformanceTests {
    let branch = CentralFixture.branch

    /// The branch's chain of `count` entries, on the fixture's clock.
    func chain(_ fixture: CentralFixture, _ count: Int) -> AuditChainBuilder {
        var chain = AuditChainBuilder(node: CentralFixture.branch, clock: fixture.clock)
        chain.append(count)
        return chain
    }

    /// Anchors `chain` from the origin, as a branch's first sync does.
    func anchorFromOrigin(_ chain: AuditChainBuilder, _ fixture: CentralFixture) async throws -> AnchorState {
        try await fixture.store.anchor(chain.shipment(after: AnchorState()), from: branch)
    }

    @Test(arguments: StoreFactory.all)
    func entriesThatContinueTheChainAreAppendedPageByPage(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        var chain = AuditChainBuilder(node: CentralFixture.branch, clock: fixture.clock)
        chain.append(3)
        var state = try await fixture.store.anchor(
            chain.shipment(after: AnchorState(), outbox: 7),
            from: branch
        )
        #expect(state == AnchorState(head: chain.head, epoch: 1))
        chain.append(2)
        state = try await fixture.store.anchor(chain.shipment(after: state), from: branch)
        #expect(state.head == chain.head)
        #expect(try await fixture.store.anchorState(branch: branch) == state)
        #expect(try await fixture.store.anchoredEntries(branch: branch) == chain.entries)
        // An empty shipment from an up-to-date branch changes nothing.
        #expect(try await fixture.store.anchor(chain.shipment(after: state), from: branch) == state)

        let overview = try #require(try await fixture.store.branchOverviews().first { $0.branch == branch })
        #expect(overview.anchoredEntries == 5)
        #expect(overview.report?.outboxSize == 0)
        #expect(overview.chain.isBroken == false)
        try await fixture.store.close()
    }

    @Test(arguments: StoreFactory.all)
    func aReplacedJournalIsABreakThatRefusesPushesUntilAcknowledged(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        let original = self.chain(fixture, 4)
        let anchored = try await anchorFromOrigin(original, fixture)
        // A fresh journal under the same node id: two entries, from the origin.
        var fresh = AuditChainBuilder(node: CentralFixture.branch, clock: fixture.clock)
        fresh.append(2)
        let broken = try await fixture.store.anchor(fresh.shipment(after: anchored), from: branch)
        let found = try #require(broken.unacknowledgedBreak)
        #expect(found.anchored == original.head)
        #expect(found.branchHead == fresh.head)
        #expect(found.reason.contains("truncated or replaced"))
        #expect(broken.head == original.head)
        let overview = try #require(try await fixture.store.branchOverviews().first { $0.branch == branch })
        #expect(overview.chain == broken)
        #expect(overview.anchoredEntries == 4)

        let invoice = try fixture.invoice(1)
        let refused = await centralStoreError { try await fixture.push([fixture.create(invoice)]) }
        #expect(refused?.code == .chainBroken)
        #expect(refused?.category == .chainBreak)
        #expect(try await fixture.current(invoice.id) == nil)
        // Shipping again changes nothing: the break stays the one recorded.
        let again = try await fixture.store.anchor(fresh.shipment(after: anchored), from: branch)
        #expect(again == broken)
        #expect(try await fixture.store.anchoredEntries(branch: branch) == original.entries)

        let acknowledged = try await fixture.store.acknowledgeBreak(branch: branch, actor: "总部", reason: "磁盘损坏")
        #expect(acknowledged == found)
        let renewed = try await fixture.store.anchorState(branch: branch)
        #expect(renewed == AnchorState(head: .origin, epoch: 2))
        let second = await centralStoreError {
            try await fixture.store.acknowledgeBreak(branch: branch, actor: "总部", reason: "again")
        }
        #expect(second?.code == .notFound)
        #expect(try await fixture.push([fixture.create(invoice)]) == [.accepted])
        let next = try await fixture.store.anchor(fresh.shipment(after: renewed), from: branch)
        #expect(next == AnchorState(head: fresh.head, epoch: 2))
        #expect(try await fixture.store.anchoredEntries(branch: branch) == fresh.entries)
        #expect(try await fixture.store.anchoredEntries(branch: branch, epoch: 1) == original.entries)
        try await fixture.store.close()
    }

    /// A shipment that starts behind the anchored head is taken again without a break.
    ///
    /// The centre took it before, or a later one: its reply was lost, or its sender was killed
    /// and the request landed after the next sync's. What the centre holds already is taken
    /// again, what goes beyond is appended, and only entries that differ from the anchored ones
    /// are a break.
    @Test(arguments: StoreFactory.all)
    func aShipmentTheCentreTookBeforeIsTakenAgainWithoutABreak(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        var chain = self.chain(fixture, 3)
        let first = chain.shipment(after: AnchorState())
        let afterFirst = try await fixture.store.anchor(first, from: branch)
        chain.append(2)
        let second = chain.shipment(after: afterFirst)
        let afterSecond = try await fixture.store.anchor(second, from: branch)
        #expect(afterSecond.head == chain.head)

        #expect(try await fixture.store.anchor(first, from: branch) == afterSecond)
        #expect(try await fixture.store.anchor(second, from: branch) == afterSecond)
        #expect(try await fixture.store.anchoredEntries(branch: branch) == chain.entries)

        // From entry 3, past the head at 5: only 6 and 7 are new.
        chain.append(2)
        let overlapping = AuditShipment(
            after: ChainPosition(chain.entries[2]),
            head: chain.head,
            entries: Array(chain.entries[3...]),
            report: BranchReport(outboxSize: 0, reportedAt: fixture.clock.now)
        )
        let extended = try await fixture.store.anchor(overlapping, from: branch)
        #expect(extended == AnchorState(head: chain.head, epoch: afterSecond.epoch))
        #expect(try await fixture.store.anchoredEntries(branch: branch) == chain.entries)

        // Another chain of the same node from the origin, shorter or longer than the anchored
        // one: its entries are not the anchored ones, so each is a break.
        var other = AuditChainBuilder(node: CentralFixture.branch, clock: fixture.clock)
        other.append(9)
        let shorter = AuditShipment(
            after: .origin,
            head: ChainPosition(other.entries[1]),
            entries: Array(other.entries[0...1]),
            report: BranchReport(outboxSize: 0, reportedAt: fixture.clock.now)
        )
        let brokenShorter = try await fixture.store.anchor(shorter, from: branch)
        #expect(brokenShorter.unacknowledgedBreak?.reason.contains("truncated or replaced") == true)
        _ = try await fixture.store.acknowledgeBreak(branch: branch, actor: "总部", reason: "测试")
        let renewed = try await fixture.store.anchor(chain.shipment(after: AnchorState()), from: branch)
        #expect(renewed.head == chain.head)
        let longer = AuditShipment(
            after: .origin,
            head: other.head,
            entries: other.entries,
            report: BranchReport(outboxSize: 0, reportedAt: fixture.clock.now)
        )
        let brokenLonger = try await fixture.store.anchor(longer, from: branch)
        #expect(brokenLonger.unacknowledgedBreak?.reason.contains("rewritten") == true)
        #expect(try await fixture.store.anchoredEntries(branch: branch) == chain.entries)
        try await fixture.store.close()
    }

    @Test(arguments: StoreFactory.all)
    func aRewrittenHistoryIsABreakEvenWithRecomputedHashes(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        let chain = self.chain(fixture, 3)
        let anchored = try await anchorFromOrigin(chain, fixture)
        // The same three entries and two more, the second by another actor, every hash recomputed.
        var forged = AuditChainBuilder(node: CentralFixture.branch, clock: fixture.clock)
        forged.append(1)
        forged.append(1, actor: "mallory")
        forged.append(3)
        let state = try await fixture.store.anchor(forged.shipment(after: anchored), from: branch)
        let found = try #require(state.unacknowledgedBreak)
        #expect(found.reason.contains("rewritten"))
        #expect(found.branchHead == forged.head)
        try await fixture.store.close()
    }

    @Test(arguments: StoreFactory.all)
    func entriesThatDoNotHashOrAreAnotherNodesAreABreak(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        var chain = AuditChainBuilder(node: CentralFixture.branch, clock: fixture.clock)
        chain.append(2)
        var shipment = chain.shipment(after: AnchorState())
        shipment.entries[1].actor = "mallory"
        let edited = try await fixture.store.anchor(shipment, from: branch)
        #expect(edited.unacknowledgedBreak?.reason.contains("audit entry 2 was changed") == true)

        var other = AuditChainBuilder(node: "bj-99", clock: fixture.clock)
        other.append(1)
        let foreign = try await fixture.store.anchor(
            other.shipment(after: AnchorState()),
            from: CentralFixture.otherBranch
        )
        #expect(foreign.unacknowledgedBreak?.reason.contains("written by node bj-99") == true)
        #expect(try await fixture.store.anchoredEntries(branch: CentralFixture.otherBranch).isEmpty)
        try await fixture.store.close()
    }

    @Test(arguments: StoreFactory.all)
    func pushesAndRejectionsAreKeptForHQ(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        let invoice = try fixture.invoice(1)
        let create = fixture.create(invoice)
        #expect(try await fixture.push([create]) == [.accepted])
        var other = invoice
        other.note = "改过"
        let reused = InvoiceOperation(id: create.id, kind: .create, clock: create.clock, invoice: other)
        guard case .rejected(let reason) = try await fixture.push([reused]).first else {
            Issue.record("a reused operation id must be rejected")
            return
        }
        let overview = try #require(try await fixture.store.branchOverviews().first { $0.branch == branch })
        #expect(overview.invoices == 1)
        #expect(overview.rejected == 1)
        #expect(overview.lastRejection?.reason == reason)
        #expect(overview.lastPush != nil)
        #expect(overview.chain == AnchorState())
        try await fixture.store.close()
    }
}
