import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// A journal damaged where a new capture does not reach (the first leaf page of the invoice
/// table: captures append at the right) must still be refused for writing, and left as it is.
@Suite struct DamagedJournalWriteTests {
    @Test func aJournalWithADamagedPageNoStatementReadsIsRefusedAndLeftAsItIs() throws {
        let harness = try JournalHarness()
        let journal = try harness.create()
        for sequence in 1...40 {
            var input = harness.input(sequence)
            input.fields["note"] = String(repeating: "备注", count: 90)
            _ = try journal.capture(input, options: JournalHarness.options)
        }
        try journal.close()
        try harness.tamper { db in _ = try db.checkpoint(.truncate) }

        var bytes = try #require(harness.bytes())
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        let root = try #require(try rootPage(of: "invoice", harness: harness))
        let rootOffset = (root - 1) * pageSize
        #expect(bytes[rootOffset] == 0x05, "the invoice table spans several leaf pages")
        // The first cell of the interior root page points at the leftmost leaf, which a new
        // capture (appended at the right) never reads.
        let firstCell = Int(bytes[rootOffset + 12]) << 8 | Int(bytes[rootOffset + 13])
        let leaf = bytes[rootOffset + firstCell..<rootOffset + firstCell + 4].reduce(0) { $0 << 8 | Int($1) }
        bytes.replaceSubrange((leaf - 1) * pageSize..<leaf * pageSize, with: Data(repeating: 0, count: pageSize))
        try bytes.write(to: URL(fileURLWithPath: harness.path))

        let error = journalError { try harness.open() }
        #expect(error?.code == .damaged)
        #expect(harness.bytes() == bytes)
        #expect((harness.bytes(harness.path + "-wal") ?? Data()).isEmpty, "nothing was written to the WAL")
    }

    @Test func anIndexWhoseDefinitionChangedIsRefusedAtOpening() throws {
        let harness = try JournalHarness()
        let journal = try harness.create()
        _ = try journal.capture(harness.input(1), options: JournalHarness.options)
        try journal.close()
        // The index's entries no longer follow its definition: every row still reads, and
        // SQLite's quick check (which does not compare index and table) passes.
        try harness.tamper { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(
                sql: """
                    UPDATE sqlite_master SET sql = replace(sql, '(sync_state, captured_at)', '(sync_state, number)')
                    WHERE name = 'invoice_state'
                    """
            )
            _ = try db.checkpoint(.truncate)
        }
        let bytes = try #require(harness.bytes())

        let error = journalError { try harness.open() }

        #expect(error?.code == .damaged)
        #expect(error?.message.contains("index invoice_state differs") == true)
        #expect(harness.bytes() == bytes)
        #expect((harness.bytes(harness.path + "-wal") ?? Data()).isEmpty, "nothing was written to the WAL")
    }

    @Test func aNullWhereTheSchemaAllowsNoneIsRefusedAtOpening() throws {
        // What a page of another table swapped into the invoice tree reads as: a row with NULL
        // content. Reading it must be a refusal, never a trap in the row decoding.
        let harness = try JournalHarness()
        let journal = try harness.create()
        _ = try journal.capture(harness.input(1), options: JournalHarness.options)
        try journal.close()
        let declared = "content       TEXT NOT NULL"
        let loosened = "content       TEXT NULL    "
        func schema(_ from: String, _ to: String) throws {
            try harness.tamper { db in
                try db.execute(sql: "PRAGMA writable_schema = ON")
                try db.execute(
                    sql: "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = 'invoice'",
                    arguments: [from, to]
                )
            }
        }
        try schema(declared, loosened)
        try harness.tamper(sql: "UPDATE invoice SET content = NULL")
        try schema(loosened, declared)

        let error = journalError { try harness.open() }
        #expect(error?.code == .damaged)
        #expect(error?.message.contains("invoice.content") == true)
    }

    @Test func aSchemaWhoseTextChangedIsRefusedAtOpeningAndLeftAsItIs() throws {
        // What one flipped bit in sqlite_master did: `hash` became `hasi`. Every page and
        // index is still sound, so SQLite's checks pass and only the first write would fail.
        let harness = try JournalHarness()
        let journal = try harness.create()
        _ = try journal.capture(harness.input(1), options: JournalHarness.options)
        try journal.close()
        try harness.tamper { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(
                sql: "UPDATE sqlite_master SET sql = replace(sql, '    hash ', '    hasi ') WHERE name = 'operation'"
            )
            _ = try db.checkpoint(.truncate)
        }
        let bytes = try #require(harness.bytes())

        let error = journalError { try harness.open() }

        #expect(error?.code == .damaged)
        #expect(error?.message.contains("table operation differs") == true)
        #expect(harness.bytes() == bytes)
        #expect((harness.bytes(harness.path + "-wal") ?? Data()).isEmpty, "nothing was written to the WAL")
    }

    @Test func aNegativeSchemaVersionIsRefusedAtOpeningAndLeftAsItIs() throws {
        // One flipped bit at byte 60 of the header (the top bit of `user_version`) made the
        // version negative; an opening took it for an old schema and "upgraded" the file.
        let harness = try JournalHarness()
        let journal = try harness.create()
        _ = try journal.capture(harness.input(1), options: JournalHarness.options)
        try journal.close()
        try harness.tamper { db in _ = try db.checkpoint(.truncate) }
        var bytes = try #require(harness.bytes())
        bytes[60] ^= 0x80
        try bytes.write(to: URL(fileURLWithPath: harness.path))

        let error = journalError { try harness.open() }

        #expect(error?.code == .damaged)
        #expect(error?.message.contains("is not one any build writes") == true)
        #expect(harness.bytes() == bytes)
        #expect((harness.bytes(harness.path + "-wal") ?? Data()).isEmpty, "nothing was written to the WAL")
    }

    private func rootPage(of table: String, harness: JournalHarness) throws -> Int? {
        let queue = try DatabaseQueue(path: harness.path)
        defer { try? queue.close() }
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = ?", arguments: [table])
        }
    }
}
