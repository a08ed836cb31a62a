import FapiaoCore
import FapiaoTesting
import Foundation
import GRDB
import Testing

@testable import FapiaoJournal

/// A journal written by an earlier release opens in this one: upgraded in place, nothing lost,
/// every rule still kept.
///
/// `Fixtures/journal-v4.sql` is `sqlite3 .dump` of a journal that release 0.9.0 (schema version
/// 4) wrote through its own commands: `init`, an `import` of three invoices, `outage start`, an
/// `import` of three more, a full `red` reversal of 26500000000000000002 and an `amend`.
@Suite struct JournalUpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/journal-v4.sql")

    let harness: JournalHarness

    init() throws {
        harness = try JournalHarness()
        // The fixture was written on 2026-12-06 (Shanghai); the clock starts on 2026-11-20.
        harness.clock.advance(byDays: 16)
        let dump = try String(contentsOf: Self.fixture, encoding: .utf8)
        let queue = try DatabaseQueue(path: harness.path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: dump) }
        try queue.close()
    }

    func indexes(_ journal: Journal) throws -> [String: String] {
        try journal.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT name, sql FROM sqlite_master
                    WHERE type = 'index' AND tbl_name = 'invoice' AND sql IS NOT NULL
                    """
            )
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"], $0["sql"]) })
        }
    }

    @Test func theFixtureIsAVersionFourJournal() throws {
        let queue = try DatabaseQueue(path: harness.path)
        let version = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
        #expect(version == 4)
        #expect(JournalFile.schemaVersion > 4)
    }

    @Test func openingUpgradesItAndKeepsEveryInvoiceAndTheChain() throws {
        let journal = try harness.open()
        let version = try journal.read { db in try Int32.fetchOne(db, sql: "PRAGMA user_version") }
        #expect(version == JournalFile.schemaVersion)
        let invoices = try journal.invoices()
        #expect(invoices.count == 7)
        #expect(invoices.filter { $0.invoice.kind == .red }.count == 1)
        let audit = try journal.verifyAudit()
        #expect(audit.isIntact, "\(audit.problem ?? "")")
        #expect(audit.entriesChecked == 10)
        #expect(audit.operationsChecked == 8)

        let indexes = try indexes(journal)
        #expect(indexes["invoice_number_alone"] == nil)
        #expect(indexes["invoice_number"]?.contains("(number, seller_tax_id, code)") == true)
        #expect(indexes["invoice_original"]?.contains("WHERE original_key IS NOT NULL") == true)
        #expect(indexes["invoice_outage"]?.contains("WHERE outage_id IS NOT NULL") == true)
        // Each lookup the capture rules make still goes through an index, not a scan.
        let lookups = [
            "SELECT id FROM invoice WHERE seller_tax_id = ? AND code = ? AND number = ?": "invoice_number",
            "SELECT id FROM invoice WHERE number = ?": "invoice_number",
            "SELECT content FROM invoice WHERE original_key = ? AND id <> ?": "invoice_original",
            "SELECT id FROM invoice WHERE outage_id = ?": "invoice_outage",
        ]
        for (sql, index) in lookups {
            let plan = try journal.read { db in
                let placeholders = Array(repeating: "x", count: sql.filter { $0 == "?" }.count)
                return try Row.fetchAll(
                    db,
                    sql: "EXPLAIN QUERY PLAN " + sql,
                    arguments: StatementArguments(placeholders)
                )
                .map { $0["detail"] as String }
            }
            #expect(plan.count == 1 && plan[0].contains("USING INDEX \(index) ("), "\(sql): \(plan)")
        }
        let orphans = try journal.read { db in try Row.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(orphans.map { $0[0] as String } == ["ok"])
    }

    /// The rebuilt unique index still refuses a number the journal holds, for its seller and
    /// (cn-digital: numbers unique whoever the seller) for another; a new number is captured.
    @Test func theUpgradedJournalStillRefusesANumberItHolds() throws {
        let journal = try harness.open()
        let before = try journal.invoices().count
        let held = "26500000000000000002"
        let sameSeller = InvoiceFixtures.validInput(
            issueDate: harness.clock.shanghaiToday,
            number: held,
            sellerTaxID: "915001041CW9T7566X"
        )
        let refused = validationFailure { try journal.capture(sameSeller, options: JournalHarness.options) }
        #expect(refused?.brokenRules == ["number unique"])
        let otherSeller = InvoiceFixtures.validInput(issueDate: harness.clock.shanghaiToday, number: held)
        let refusedToo = validationFailure { try journal.capture(otherSeller, options: JournalHarness.options) }
        #expect(refusedToo?.brokenRules == ["number unique"])
        #expect(try journal.invoices().count == before)

        try journal.capture(harness.input(901), options: JournalHarness.options)
        #expect(try journal.invoices().count == before + 1)
        #expect(try journal.verifyAudit().isIntact)
    }

    /// The red invoice captured before the upgrade is still found by its original's key (the
    /// partial index): a second full reversal of the same original is refused as over-reversed.
    @Test func aSecondReversalOfTheSameOriginalIsStillRefused() throws {
        let journal = try harness.open()
        let original = try #require(try journal.invoices().first { $0.invoice.number == "26500000000000000002" })
        let before = try journal.invoices().count
        let again = InvoiceInput.red(
            reversing: original.invoice,
            number: "26500000000000000103",
            code: nil,
            issueDate: harness.clock.shanghaiToday,
            reason: "开票有误",
            confirmation: "11010026110000000002",
            amounts: nil
        )
        let failure = try #require(validationFailure { try journal.capture(again, options: JournalHarness.options) })
        #expect(failure.brokenRules.contains("gross overReversed"), "\(failure.brokenRules)")
        #expect(try journal.invoices().count == before)
    }
}
