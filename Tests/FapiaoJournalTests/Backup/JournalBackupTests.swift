import FapiaoCore
import FapiaoJournal
import FapiaoSQLiteFiles
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// `fapiao backup`: an online copy that verifies, made atomically, never over a file, rotated by --keep.
@Suite struct JournalBackupTests {
    let harness: JournalHarness
    let journal: Journal

    init() throws {
        harness = try JournalHarness()
        journal = try harness.create()
        for sequence in 1...40 { _ = try journal.capture(harness.input(sequence), options: JournalHarness.options) }
    }

    @Test func aBackupTakenWhileAnotherConnectionWritesIsOneVerifiedSnapshot() throws {
        let writer = try harness.open()
        defer { try? writer.close() }
        let destination = harness.directory.file("backups/copy.sqlite")
        var next = 41
        // One page a step, with a capture committed by another connection after every step: the
        // copy goes on from its snapshot instead of restarting, and still verifies.
        let receipt = try journal.backup(to: destination, pagesPerStep: 1) { _ in
            if next < 61 {
                _ = try? writer.capture(harness.input(next), options: JournalHarness.options)
                next += 1
            }
        }
        #expect(next == 61)
        #expect(receipt.invoices == 40)
        #expect(receipt.auditEntries == 41)
        let copy = try Journal.open(at: destination)
        defer { try? copy.close() }
        let verification = try copy.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.head == receipt.head)
        #expect(try writer.verifyAudit().entriesChecked == 61)
    }

    @Test func theCopyIsPrivateAndItsNewDirectoryToo() throws {
        let destination = harness.directory.file("new/backups/copy.sqlite")
        _ = try journal.backup(to: destination)
        #expect(permissions(destination) == 0o600)
        #expect(permissions(harness.directory.file("new/backups")) == 0o700)
        // One self-contained file: reading it adds no -wal or -shm beside it.
        let copy = try Journal.open(at: destination)
        _ = try copy.verifyAudit()
        try copy.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: harness.directory.file("new/backups"))
        #expect(names == ["copy.sqlite"])
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let destination = harness.directory.file("copy.sqlite")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: destination))
        do {
            _ = try journal.backup(to: destination)
            Issue.record("the backup overwrote a file")
        } catch let error as SQLiteBackupError {
            #expect(error.code == .alreadyExists)
            #expect(error.category == .alreadyExists)
        }
        #expect(harness.bytes(destination) == Data("precious".utf8))
        let names = try FileManager.default.contentsOfDirectory(atPath: harness.directory.path)
        #expect(!names.contains { $0.contains(".partial-") })
    }

    @Test func keepRotatesOnlyThisJournalsOwnBackups() throws {
        let directory = harness.directory.file("backups")
        for second in 0..<5 {
            harness.clock.advance(byMilliseconds: 1000)
            _ = second
            _ = try journal.backup(to: journal.backupDestination(argument: directory + "/"))
        }
        // Files that are not this journal's backups stay, whatever they look like.
        try Data("notes".utf8).write(to: URL(fileURLWithPath: directory + "/notes.txt"))
        try Data("not sqlite".utf8).write(to: URL(fileURLWithPath: directory + "/journal-2000-01-01T000000Z.sqlite"))
        harness.clock.advance(byMilliseconds: 1000)
        let receipt = try journal.backup(to: journal.backupDestination(argument: directory), keep: 3)
        #expect(receipt.rotated.count == 3)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names.count == 5)
        #expect(names.contains("notes.txt"))
        #expect(names.contains("journal-2000-01-01T000000Z.sqlite"))
        #expect(names.contains(URL(fileURLWithPath: receipt.path).lastPathComponent))
    }

    @Test func theDefaultDestinationIsATimestampedFileInBackupsBesideTheJournal() {
        let instant = UTCTimestamp(parsing: "2026-12-04T10:15:00.000Z")!
        let path = JournalBackupNaming.destination(
            argument: nil,
            journalPath: "/srv/fapiao/journal.sqlite",
            at: instant
        )
        #expect(path == "/srv/fapiao/backups/journal-2026-12-04T101500Z.sqlite")
        let file = JournalBackupNaming.destination(argument: "/tmp/x.sqlite", journalPath: "/srv/j.sqlite", at: instant)
        #expect(file == "/tmp/x.sqlite")
    }

    @Test func aStrayTemporaryCopyOfAKilledBackupIsRemovedByTheNext() throws {
        let directory = harness.directory.file("backups")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // No process has id 2^22 + 1 on Linux (pid_max is at most 2^22).
        let stray = directory + "/.journal-x.sqlite.partial-4194305"
        try Data("half".utf8).write(to: URL(fileURLWithPath: stray))
        try Data("half".utf8).write(to: URL(fileURLWithPath: stray + "-journal"))
        let receipt = try journal.backup(to: directory + "/copy.sqlite")
        #expect(receipt.strayRemoved.count == 2)
        #expect(!FileManager.default.fileExists(atPath: stray))
    }
}
