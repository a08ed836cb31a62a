import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// `fapiao sync --dry-run` is the engine's plan: streamed page by page, predicting with
/// CentralRules, changing nothing.
@Suite struct SyncPlanTests {
    let harness: SyncHarness

    init() throws {
        harness = try SyncHarness()
    }

    @Test func thePlanStreamsPagesInJournalOrderAndChangesNothing() async throws {
        try harness.importInvoices(1...25)
        let before = try harness.journal.status()
        var pages: [[PlannedOperation]] = []
        let summary = try await harness.engine().plan(pageSize: 10) { pages.append($0) }
        #expect(pages.map(\.count) == [10, 10, 5])
        #expect(summary.operations == 25)
        #expect(summary.remoteAnswered)
        let sequences = pages.joined().map(\.item.sequence)
        #expect(sequences == sequences.sorted())
        #expect(pages.joined().allSatisfy { $0.prediction == .outcome(.accepted) })
        #expect(try harness.journal.status() == before)
        #expect(try await harness.store.invoiceCount() == 0)
    }

    @Test func anAmendOnTheNextPageIsJudgedAgainstTheVersionItsCreateLeaves() async throws {
        try harness.importInvoices(1...10)
        let receipt = try harness.capture(11)
        var change = InvoiceInput()
        change.fields["note"] = "改一下"
        _ = try harness.journal.amend(receipt.invoice.id.uuidString, changes: change, options: SyncHarness.options)
        var planned: [PlannedOperation] = []
        _ = try await harness.engine().plan(pageSize: 11) { planned += $0 }
        #expect(planned.count == 12)
        // The amend (on the second page) follows the create the first page would apply.
        #expect(planned.last?.item.operation.kind == .amend)
        #expect(planned.last?.prediction == .outcome(.accepted))
    }

    @Test func whatTheRemoteHoldsAlreadyIsPredictedDuplicateOrStale() async throws {
        try harness.importInvoices(1...4)
        _ = try await harness.engine().run()
        let receipt = try harness.capture(5)
        var planned: [PlannedOperation] = []
        _ = try await harness.engine().plan { planned += $0 }
        #expect(planned.map(\.item.operation.invoiceID) == [receipt.invoice.id])
        #expect(planned.first?.prediction == .outcome(.accepted))
    }

    @Test func withoutTheRemoteTheOperationsAreListedAsTheyWouldBeSent() async throws {
        try harness.importInvoices(1...3)
        let engine = SyncEngine(
            journal: harness.journal,
            remote: DownRemote(),
            options: SyncOptions(batchSize: 10, owner: "test/plan", actor: "sync"),
            environment: harness.environment
        )
        var planned: [PlannedOperation] = []
        let summary = try await engine.plan { planned += $0 }
        #expect(!summary.remoteAnswered)
        #expect(summary.remoteFailure?.contains("connection refused") == true)
        #expect(planned.map(\.prediction) == Array(repeating: .send(resend: false), count: 3))
    }
}

/// A remote that cannot be reached.
private struct DownRemote: RemoteAdapter {
    let endpoint = "http://127.0.0.1:9"
    private var refused: RemoteError { RemoteError(.unreachable, "connection refused") }
    func health() async throws -> HealthReport { throw refused }
    func push(_ operations: [StoredOperation], branch: String) async throws -> [OperationOutcome] { throw refused }
    func lookup(_ ids: [UUID]) async throws -> InvoiceLookup { throw refused }
    func anchorState(branch: String) async throws -> AnchorState { throw refused }
    func anchor(_ shipment: AuditShipment, branch: String) async throws -> AnchorState { throw refused }
    func changes(branch: String, since cursor: Int64, limit: Int, scope: ChangeScope) async throws -> ChangePage {
        throw refused
    }
    func shutdown() async {}
}
