import FapiaoCore
import FapiaoJournal
import FapiaoSQLiteFiles
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// `fapiao restore`: a backup is checked before anything changes, a running sync is respected,
/// and the replaced journal is kept aside.
@Suite struct JournalRestoreTests {
    let harness: JournalHarness
    let backup: String

    init() throws {
        harness = try JournalHarness()
        let journal = try harness.create()
        for sequence in 1...5 { _ = try journal.capture(harness.input(sequence), options: JournalHarness.options) }
        backup = harness.directory.file("backups/journal-backup.sqlite")
        _ = try journal.backup(to: backup)
        for sequence in 6...8 { _ = try journal.capture(harness.input(sequence), options: JournalHarness.options) }
        try journal.close()
    }

    private func restore(_ file: String) throws -> JournalRestoreReceipt {
        try Journal.restore(from: file, at: harness.path, owner: "restore-test", environment: harness.environment)
    }

    /// The journal's files and their bytes, to show that a refused restore changed nothing (the
    /// `-shm` is SQLite's shared-memory index, which any reader rewrites, not data).
    private func snapshot() -> [String: Data] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: harness.directory.path)) ?? []
        var files: [String: Data] = [:]
        // The -shm index and the seal (SQLiteFileSeal) are SQLite's and fapiao's caches, not the journal.
        for name in names
        where name.hasPrefix("journal.sqlite") && !name.hasSuffix("-shm") && !name.hasSuffix("-checked") {
            files[name] = harness.bytes(harness.directory.file(name))
        }
        return files
    }

    @Test func theReplacedJournalIsKeptAsideAndTheBackupPutInPlace() throws {
        let receipt = try restore(backup)
        #expect(receipt.invoices == 5)
        #expect(receipt.auditEntries == 6)
        let kept = try #require(receipt.replacedKeptAt)
        #expect(kept.hasPrefix(harness.path + ".replaced-"))
        #expect(FileManager.default.fileExists(atPath: kept))
        #expect(permissions(harness.path) == 0o600)
        let restored = try harness.open()
        defer { try? restored.close() }
        #expect(try restored.verifyAudit().isIntact)
        #expect(try restored.auditHead().sequence == 6)
        let aside = try Journal.open(at: kept)
        defer { try? aside.close() }
        #expect(try aside.auditHead().sequence == 9)
        #expect(try aside.verifyAudit().isIntact)
        // The backup itself is only read.
        #expect(FileManager.default.fileExists(atPath: backup))
    }

    @Test func aFileThatIsNotAJournalIsRefusedAndNothingChanges() throws {
        let junk = harness.directory.file("junk.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: junk))
        let before = snapshot()
        let error = try #require(journalError { try restore(junk) })
        #expect(error.code == .notAJournal)
        #expect(snapshot() == before)
    }

    @Test func aBackupWithABrokenChainIsRefusedAndNothingChanges() throws {
        let damaged = harness.directory.file("damaged.sqlite")
        try FileManager.default.copyItem(atPath: backup, toPath: damaged)
        let queue = try DatabaseQueue(path: damaged)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER audit_entry_no_update")
            try db.execute(sql: "UPDATE audit_entry SET actor = 'someone else' WHERE seq = 3")
        }
        try queue.close()
        let before = snapshot()
        do {
            _ = try restore(damaged)
            Issue.record("a backup with a broken chain was restored")
        } catch let error as SQLiteBackupError {
            #expect(error.code == .damaged)
            #expect(error.message.contains("nothing was changed"))
        }
        #expect(snapshot() == before)
        let names = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
        #expect(!names.contains { $0.contains(".partial-") })
    }

    @Test func aRestoreIsRefusedWhileASyncHoldsTheLease() throws {
        let journal = try harness.open()
        _ = try journal.acquireSyncLease(owner: "other-host/100/aaaa", duration: .seconds(300))
        try journal.close()
        let before = snapshot()
        let error = try #require(journalError { try restore(backup) })
        #expect(error.code == .leaseHeld)
        #expect(error.category == .busy)
        #expect(snapshot() == before)
    }

    @Test func aJournalOpenWhileRestoreReplacesItKnowsItsFileMoved() throws {
        let reading = try harness.open()
        let writing = try harness.open()
        _ = try writing.capture(harness.input(9), options: JournalHarness.options)
        #expect(try !reading.fileHasMoved())
        #expect(try !writing.fileHasMoved())
        let receipt = try restore(backup)
        #expect(try reading.fileHasMoved())
        #expect(try writing.fileHasMoved())
        // What a process that has not noticed yet writes goes to the journal kept aside, and
        // its close leaves the restored journal's files alone.
        _ = try writing.capture(harness.input(10), options: JournalHarness.options)
        try writing.close()
        try reading.close()
        let restored = try harness.open()
        defer { try? restored.close() }
        #expect(try !restored.fileHasMoved())
        #expect(try restored.auditHead().sequence == 6)
        #expect(try restored.verifyAudit().isIntact)
        let aside = try Journal.open(at: try #require(receipt.replacedKeptAt))
        defer { try? aside.close() }
        #expect(try aside.auditHead().sequence == 11)
        #expect(try aside.verifyAudit().isIntact)
    }

    @Test func aBackupOfAnotherBranchIsRefused() throws {
        let other = try JournalHarness()
        let journal = try other.create(settings: JournalSettings(node: "sh-02", operatorName: "x"))
        let file = other.directory.file("other.sqlite")
        _ = try journal.backup(to: file)
        try journal.close()
        let before = snapshot()
        let error = try #require(journalError { try restore(file) })
        #expect(error.message.contains("sh-02"))
        #expect(snapshot() == before)
    }

    @Test func aBackupRestoresWhereNoJournalIs() throws {
        let empty = try JournalHarness()
        let receipt = try Journal.restore(from: backup, at: empty.path, owner: "t", environment: empty.environment)
        #expect(receipt.replacedKeptAt == nil)
        let restored = try empty.open()
        #expect(try restored.verifyAudit().isIntact)
        try restored.close()
    }
}
