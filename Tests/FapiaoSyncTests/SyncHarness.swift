import FapiaoCentralStore
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Synchronization
import Testing

/// Values handed to a `@Sendable` callback (the waits an engine asked for, its progress reports).
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    func record(_ value: Value) {
        values.withLock { $0.append(value) }
    }

    var all: [Value] { values.withLock { $0 } }
}

/// A late-bound reference to the engine, for remote hooks that act on it during a run.
final class EngineBox: Sendable {
    private let engine = Mutex<SyncEngine?>(nil)

    func set(_ value: SyncEngine) {
        engine.withLock { $0 = value }
    }

    var value: SyncEngine? { engine.withLock { $0 } }
}

/// A journal in its own temporary directory, an in-memory central store behind a
/// ``FaultyRemote``, and engines that record the waits they ask for.
struct SyncHarness {
    static let node = "bj-01"
    static let actor = "王小明"
    static let syncActor = "sync"
    static let options = CaptureOptions(actor: actor, source: "cli")
    /// The fixture seller's ID with a wrong check character: the branch may accept it with
    /// an override, the centre never does.
    static let badSellerTaxID = "91350100M000100Y44"

    let directory: TemporaryDirectory
    let clock = ManualClock()
    let ids = SequentialIDSource()
    let journal: Journal
    let store: InMemoryCentralStore
    let remote: FaultyRemote
    let delays = Recorder<Duration>()

    init(policy: CentralPolicy = .standard) throws {
        directory = try TemporaryDirectory()
        journal = try Journal.create(
            at: directory.file("journal.sqlite"),
            settings: JournalSettings(node: Self.node, operatorName: Self.actor),
            actor: Self.actor,
            environment: .testing(clock: clock, ids: ids)
        )
        store = InMemoryCentralStore(policy: policy)
        remote = FaultyRemote(wrapping: StoreRemote(store: store, endpoint: "memory:central"))
    }

    var environment: SyncEnvironment {
        SyncEnvironment(sleep: { [delays] in delays.record($0) }, jitter: { 0.5 })
    }

    /// An engine pushing the harness's journal (or `journal`) through the faulty remote.
    func engine(
        batchSize: Int = 500,
        maximumAttempts: Int = 8,
        maximumConsecutiveFailures: Int = 5,
        owner: String = "test/engine",
        journal: Journal? = nil
    ) -> SyncEngine {
        SyncEngine(
            journal: journal ?? self.journal,
            remote: remote,
            options: SyncOptions(
                batchSize: batchSize,
                maximumAttempts: maximumAttempts,
                retry: RetryPolicy(maximumConsecutiveFailures: maximumConsecutiveFailures),
                owner: owner,
                actor: Self.syncActor
            ),
            environment: environment
        )
    }

    /// The fixture invoice numbered `InvoiceFixtures.number(sequence)`, issued today.
    func input(_ sequence: Int) -> InvoiceInput {
        InvoiceFixtures.validInput(clock: clock, number: InvoiceFixtures.number(sequence))
    }

    /// Captures the fixture invoice numbered `sequence`.
    @discardableResult
    func capture(_ sequence: Int) throws -> CaptureReceipt {
        try journal.capture(input(sequence), options: Self.options)
    }

    /// Captures the fixture invoices numbered `sequences` in one import transaction.
    func importInvoices(_ sequences: ClosedRange<Int>) throws {
        let rows = sequences.map { ImportRow(line: $0, input: .success(input($0))) }
        let plan = try journal.planImport(rows, options: Self.options)
        #expect(plan.invalid.isEmpty)
        try journal.commitImport(plan, options: Self.options)
    }

    /// Captures an invoice whose seller ID has a wrong check character, with the override:
    /// the branch takes it, the centre refuses it.
    @discardableResult
    func captureRefusedByTheCentre(_ sequence: Int) throws -> CaptureReceipt {
        var input = input(sequence)
        input.fields["seller.taxID"] = Self.badSellerTaxID
        return try journal.capture(input, options: Self.overrideOptions)
    }

    /// The clerk's override of the bad check character, with its reason.
    static let overrideOptions = CaptureOptions(
        actor: actor,
        source: "cli",
        acceptBadCheckCharacters: true,
        overrideReason: "纸质发票原件核对无误"
    )

    /// Amends the buyer of an invoice captured by ``captureRefusedByTheCentre(_:)`` (the seller ID
    /// still needs the override).
    @discardableResult
    func amendBuyerOfRefused(_ refused: CaptureReceipt) throws -> ChangeReceipt {
        try journal.amend(
            refused.invoice.id.uuidString,
            changes: InvoiceInput(fields: ["buyer.name": "北京新客户有限公司"]),
            options: Self.overrideOptions
        )
    }

    /// Every operation's clock, by operation id.
    func operationClocks() throws -> [UUID: VectorClock] {
        var clocks: [UUID: VectorClock] = [:]
        for record in try journal.invoices() {
            for operation in try journal.operations(of: record.invoice.id) {
                let id = try #require(UUID(uuidString: operation.id))
                let clock = try #require(VectorClock(parsing: operation.clock))
                clocks[id] = clock
            }
        }
        return clocks
    }

    /// The ids of the operations of the invoice numbered `sequence`, in journal order.
    func operationIDs(ofInvoice sequence: Int) throws -> [UUID] {
        let record = try journal.invoice(InvoiceFixtures.number(sequence))
        return try journal.operations(of: record.invoice.id).map { try #require(UUID(uuidString: $0.id)) }
    }

    /// Every operation's status, by operation id.
    func operationStatuses() throws -> [UUID: String] {
        var statuses: [UUID: String] = [:]
        for record in try journal.invoices() {
            for operation in try journal.operations(of: record.invoice.id) {
                statuses[try #require(UUID(uuidString: operation.id))] = operation.status
            }
        }
        return statuses
    }

    /// The audit entries written by sync.
    func syncEntries() throws -> [AuditEntry] {
        try journal.auditEntries().filter { $0.actor == Self.syncActor }
    }

    /// The operation ids of the sync audit entries with `event`.
    func operations(with event: AuditEvent) throws -> [UUID] {
        try syncEntries().filter { $0.event == event }.compactMap(\.operationID)
    }

    /// The checks every scenario ends with: the audit chain verifies, every sync entry names
    /// an operation and carries that operation's clock, and the lease is free.
    func expectJournalSound(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let verification = try journal.verifyAudit()
        #expect(verification.isIntact, "\(verification.problem ?? "")", sourceLocation: sourceLocation)
        let clocks = try operationClocks()
        for entry in try syncEntries() {
            let operationID = try #require(entry.operationID, sourceLocation: sourceLocation)
            #expect(
                entry.clock == clocks[operationID],
                "\(entry.event) entry \(entry.sequence) carries clock \(entry.clock)",
                sourceLocation: sourceLocation
            )
            #expect(!entry.clock.counters.isEmpty, sourceLocation: sourceLocation)
        }
        #expect(try journal.syncLeaseHolder() == nil, sourceLocation: sourceLocation)
    }

    /// Expects the store to hold every local invoice's current version, each operation to
    /// have been applied at most once, and no invoice the journal does not have.
    func expectStoreMatchesJournal(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let records = try journal.invoices()
        let lookup = try await store.lookup(records.map(\.invoice.id))
        #expect(lookup.missing.isEmpty, "missing at the store: \(lookup.missing)", sourceLocation: sourceLocation)
        let remote = Dictionary(uniqueKeysWithValues: lookup.found.map { ($0.invoice.id, $0) })
        for record in records {
            #expect(remote[record.invoice.id]?.invoice == record.invoice, sourceLocation: sourceLocation)
            #expect(remote[record.invoice.id]?.clock == record.clock, sourceLocation: sourceLocation)
        }
        #expect(try await store.invoiceCount() == Int64(records.count), sourceLocation: sourceLocation)
        let applied = self.remote.remoteAnswerCounts("accepted")
        #expect(
            applied.values.allSatisfy { $0 == 1 },
            "applied twice: \(applied.filter { $0.value > 1 })",
            sourceLocation: sourceLocation
        )
    }
}

extension Collection {
    /// The single element, or `nil` when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
