import FapiaoCore
import GRDB
import Testing

@testable import FapiaoJournal

/// A sync's per-batch statements find their rows by the batch's ids, whatever the journal holds.
///
/// SQLite chooses a plan without statistics (the journal is never `ANALYZE`d), so the plan is the
/// same for ten invoices as for a million: a statement that walks an index over every unsettled
/// row per batch makes a sync slower the larger its outbox, which no timing in a test would show.
@Suite struct SyncQueryPlanTests {
    let harness: JournalHarness

    init() throws { harness = try JournalHarness() }

    /// The `detail` lines of SQLite's plan for `sql`.
    func plan(of sql: String, arguments: StatementArguments, in journal: Journal) throws -> [String] {
        try journal.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                .map { $0["detail"] as String }
                .filter { !$0.contains("json_each") && !$0.contains("SUBQUERY") }
        }
    }

    @Test func markingABatchInFlightLooksUpEachInvoiceById() throws {
        let journal = try harness.create()
        for sequence in 1...3 { try journal.capture(harness.input(sequence), options: JournalHarness.options) }
        let arguments: StatementArguments = ["2026-01-01T00:00:00Z", "[]"]
        let steps = try plan(of: Journal.markInvoicesInFlightSQL, arguments: arguments, in: journal)
        #expect(steps.count == 1)
        #expect(steps.allSatisfy { $0.contains("(id=?)") && !$0.contains("invoice_state") }, "\(steps)")
    }

    @Test func settlingABatchReadsTheOperationsOfItsInvoicesOnly() throws {
        let journal = try harness.create()
        for sequence in 1...3 { try journal.capture(harness.input(sequence), options: JournalHarness.options) }
        let steps = try plan(of: Journal.unsettledOperationsOfInvoicesSQL, arguments: ["[]"], in: journal)
        #expect(steps.contains { $0.contains("operation_invoice (invoice_id=?)") }, "\(steps)")
        #expect(!steps.contains { $0.contains("operation_status") }, "\(steps)")
    }

    @Test func theBranchReportReadsOnlyTheUnsyncedInvoices() throws {
        let journal = try harness.create()
        for sequence in 1...3 { try journal.capture(harness.input(sequence), options: JournalHarness.options) }
        let steps = try plan(of: Journal.unsyncedInvoicesSQL, arguments: [], in: journal)
        #expect(steps.contains { $0.contains("invoice_state (sync_state=?)") }, "\(steps)")
        #expect(!steps.contains { $0.hasPrefix("SCAN invoice") }, "\(steps)")
        #expect(!Journal.unsyncedInvoicesSQL.contains("'accepted'"))
        for state in SyncState.allCases where state != .accepted {
            #expect(Journal.unsyncedInvoicesSQL.contains("'\(state.rawValue)'"))
        }
    }
}
