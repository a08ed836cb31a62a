import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// A suite of outbox tests: a journal with the fixture's settings, and the sync lease held
/// as a sync job holds it.
protocol OutboxSuite {
    var harness: JournalHarness { get }
    var journal: Journal { get }
    var lease: SyncLease { get }
}

extension OutboxSuite {
    static var actor: String { "sync" }

    /// A fresh journal and its lease.
    static func makeJournal() throws -> (JournalHarness, Journal, SyncLease) {
        let harness = try JournalHarness()
        let journal = try harness.create()
        let lease = try journal.acquireSyncLease(owner: "test/1/outbox", duration: .seconds(3_600)) { _ in true }
        return (harness, journal, lease)
    }

    /// Captures the fixture invoice numbered `sequence`.
    @discardableResult
    func capture(_ sequence: Int) throws -> CaptureReceipt {
        try journal.capture(harness.input(sequence), options: JournalHarness.options)
    }

    @discardableResult
    func amendBuyer(_ receipt: CaptureReceipt, to name: String = "北京新客户有限公司") throws -> ChangeReceipt {
        try journal.amend(
            receipt.invoice.id.uuidString,
            changes: InvoiceInput(fields: ["buyer.name": name]),
            options: JournalHarness.options
        )
    }

    /// The unanswered operations, all of them.
    func outbox() throws -> [OutboxItem] {
        try journal.outboxBatch(after: 0, limit: 1_000)
    }

    /// Marks `items` in flight and returns them as the engine holds them then.
    func send(_ items: [OutboxItem]) throws -> [OutboxItem] {
        try journal.markInFlight(items, lease: lease, actor: Self.actor)
        return items.map { item in
            var sent = item
            sent.attempts += 1
            return sent
        }
    }

    /// Sends the operation with id `operationID` and records `result` for it.
    @discardableResult
    func answer(_ operationID: UUID, _ result: PushResult) throws -> OutboxTally {
        let item = try #require(try outbox().first { $0.operation.id == operationID })
        let sent = try send([item])
        return try journal.record([(sent[0], result)], lease: lease, actor: Self.actor)
    }

    func status(of operationID: UUID, invoice: UUID) throws -> String? {
        try journal.operations(of: invoice).first { $0.id == operationID.uuidString }?.status
    }

    /// The conflict table's rows, read straight from the file.
    func conflictRows() throws -> [Row] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: harness.path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM conflict ORDER BY detected_at") }
    }
}

extension OutboxTally {
    /// A tally of one operation ended the way `keyPath` counts.
    static func one(_ keyPath: WritableKeyPath<OutboxTally, Int>) -> OutboxTally {
        var tally = OutboxTally()
        tally[keyPath: keyPath] = 1
        return tally
    }
}

extension Collection {
    /// The single element, or `nil` when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
