import FapiaoCentralStore
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// Sync anchors the journal's audit chain at the centre before pushing and after the run
/// (DESIGN §6); a chain break stops the run before anything is sent.
@Suite struct SyncAnchorTests {
    let harness: SyncHarness

    init() throws {
        harness = try SyncHarness()
    }

    var journal: Journal { harness.journal }

    @Test func aSyncAnchorsEveryEntryAndTheNextShipsOnlyWhatIsNew() async throws {
        try harness.importInvoices(1...3)
        let first = try await harness.engine().run()
        #expect(first.stop == nil)
        let head = try journal.auditHead()
        #expect(first.anchor.head == head)
        #expect(first.anchor.shipped == Int(head.sequence))
        #expect(try await harness.store.anchoredEntries(branch: SyncHarness.node) == journal.auditEntries())

        try harness.capture(4)
        let second = try await harness.engine().run()
        #expect(second.anchor.shipped == Int(try journal.auditHead().sequence - head.sequence))
        #expect(try await harness.store.anchorState(branch: SyncHarness.node).head == journal.auditHead())
        let overview = try #require(try await harness.store.branchOverviews().first)
        #expect(overview.report?.outboxSize == 0)
        #expect(overview.invoices == 4)
    }

    /// A journal longer than one shipment is anchored in pages the centre takes: ``StoreRemote``
    /// refuses a shipment over ``AuditAnchoring/maximumEntriesPerShipment`` as the central
    /// service's wire does, so a page larger than that leaves the chain unanchored here.
    @Test func aChainLongerThanOneShipmentIsAnchoredInPagesTheCentreTakes() async throws {
        // More captured entries than one shipment holds, before the first push.
        try harness.importInvoices(1...(AuditAnchoring.maximumEntriesPerShipment + 100))
        let report = try await harness.engine().run()
        let head = try journal.auditHead()
        #expect(head.sequence > Int64(AuditAnchoring.maximumEntriesPerShipment))
        #expect(report.anchor.note == nil)
        #expect(report.anchor.head == head)
        #expect(try await harness.store.anchorState(branch: SyncHarness.node).head == head)
    }

    @Test func aJournalThatDoesNotContinueTheAnchoredChainStopsBeforePushing() async throws {
        // The centre holds a longer chain of this branch than the journal: a replaced journal.
        var anchored = AuditChainBuilder(node: SyncHarness.node, clock: harness.clock)
        anchored.append(10)
        _ = try await harness.store.anchor(anchored.shipment(after: AnchorState()), from: SyncHarness.node)
        try harness.importInvoices(1...2)
        let summary = try await harness.engine().run()
        #expect(summary.stop?.kind == .chainBreak)
        #expect(summary.stop?.category == .chainBreak)
        #expect(summary.stop?.message.contains("truncated or replaced") == true)
        #expect(summary.sent == 0)
        #expect(harness.remote.pushes.isEmpty)
        #expect(try journal.status().pendingOperations == 2)
        let found = try #require(try await harness.store.anchorState(branch: SyncHarness.node).unacknowledgedBreak)
        #expect(found.branchHead == (try journal.auditHead()))
    }

    @Test func aRemoteThatDoesNotAnchorIsNotedAndTheInvoicesStillGo() async throws {
        try harness.importInvoices(1...2)
        let engine = SyncEngine(
            journal: journal,
            remote: NotAnchoringRemote(base: harness.remote),
            options: SyncOptions(batchSize: 500, owner: "test/engine", actor: SyncHarness.syncActor),
            environment: harness.environment
        )
        let summary = try await engine.run()
        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 2)
        #expect(summary.anchor.note?.contains("does not anchor") == true)
        #expect(summary.anchor.refusal == nil)
        #expect(summary.anchor.shipped == 0)
    }

    /// A refusal retrying cannot cure is told apart from a remote that is away: the invoices go
    /// either way, and `fapiao sync` exits with the refusal's code.
    @Test(arguments: [
        (RemoteError.Kind.protocolViolation, ErrorCategory?.some(.protocolViolation)),
        (.forbidden, .permission), (.busy, nil), (.unreachable, nil),
    ])
    func aRefusedAnchoringIsToldApartFromARemoteAway(kind: RemoteError.Kind, refusal: ErrorCategory?) async throws {
        try harness.importInvoices(1...2)
        let engine = SyncEngine(
            journal: journal,
            remote: NotAnchoringRemote(base: harness.remote, kind: kind),
            options: SyncOptions(batchSize: 500, owner: "test/engine", actor: SyncHarness.syncActor),
            environment: harness.environment
        )
        let summary = try await engine.run()
        #expect(summary.stop == nil)
        #expect(summary.tally.accepted == 2)
        #expect(summary.anchor.refusal == refusal)
        #expect(summary.anchor.note?.contains("the shipment is refused") == true)
    }
}

/// A remote of an earlier kind (an `exec:` program of protocol 1): no audit anchoring; or,
/// with another `kind`, one that fails every anchoring request so.
private struct NotAnchoringRemote: RemoteAdapter {
    let base: any RemoteAdapter
    var kind = RemoteError.Kind.unsupported
    var endpoint: String { base.endpoint }
    private var unsupported: RemoteError {
        RemoteError(kind, kind == .unsupported ? "\(endpoint) does not anchor audit chains" : "the shipment is refused")
    }
    func health() async throws -> HealthReport { try await base.health() }
    func push(_ operations: [StoredOperation], branch: String) async throws -> [OperationOutcome] {
        try await base.push(operations, branch: branch)
    }
    func lookup(_ ids: [UUID]) async throws -> InvoiceLookup { try await base.lookup(ids) }
    func changes(branch: String, since cursor: Int64, limit: Int, scope: ChangeScope) async throws -> ChangePage {
        try await base.changes(branch: branch, since: cursor, limit: limit, scope: scope)
    }
    func anchorState(branch: String) async throws -> AnchorState { throw unsupported }
    func anchor(_ shipment: AuditShipment, branch: String) async throws -> AnchorState { throw unsupported }
    func shutdown() async {}
}
