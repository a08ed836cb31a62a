import FapiaoCore
import FapiaoJournal
import FapiaoSQLiteFiles
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// The seal that spares a journal's every-page check while only fapiao's own commits have
/// touched the file since the last check (``SQLiteFileSeal``).
@Suite struct JournalSealTests {
    /// A journal with a few captures, closed: sealed by its last commit and close.
    private func sealedJournal() throws -> JournalHarness {
        let harness = try JournalHarness()
        let journal = try harness.create()
        for sequence in 1...3 { _ = try journal.capture(harness.input(sequence), options: JournalHarness.options) }
        try journal.close()
        return harness
    }

    @Test func aJournalsOwnCommitsAndCloseKeepItSealed() throws {
        let harness = try sealedJournal()
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path))
        let journal = try harness.open()
        _ = try journal.capture(harness.input(4), options: JournalHarness.options)
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path), "renewed after the commit")
        try journal.close()
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path), "renewed after the close folded the WAL in")
    }

    @Test func aChangeByAnotherProgramBreaksTheSealAndTheDamageIsFound() throws {
        let harness = try sealedJournal()
        try harness.tamper(sql: "UPDATE invoice SET buyer_name = 'X' WHERE rowid = 1")
        #expect(!SQLiteFileSeal.holds(forDatabase: harness.path))

        // Damage one page of the file: the next opening reads every page again and refuses it.
        try harness.tamper { db in _ = try db.checkpoint(.truncate) }
        var bytes = try #require(harness.bytes())
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        bytes.replaceSubrange(2 * pageSize..<3 * pageSize, with: Data(repeating: 0xA5, count: pageSize))
        try bytes.write(to: URL(fileURLWithPath: harness.path))
        #expect(journalError { try harness.open() }?.code == .damaged)
    }

    @Test func aSealThatMatchesSparesTheCheckWhichIsWhyOnlyFapiaoWritesOne() throws {
        // The limit of the seal, shown: damage behind a seal that still matches (which only a
        // forged seal or bit rot beneath the file system can give) is not read at opening. The
        // seal's age bounds it, and `audit verify` reads every page whatever the seal says.
        let harness = try sealedJournal()
        var bytes = try #require(harness.bytes())
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        bytes.replaceSubrange(2 * pageSize..<3 * pageSize, with: Data(repeating: 0xA5, count: pageSize))
        try bytes.write(to: URL(fileURLWithPath: harness.path))
        #expect(journalError { try harness.open() }?.code == .damaged)

        let present = try #require(SQLiteFileSeal.identity(ofDatabase: harness.path))
        SQLiteFileSeal.record(present, forDatabase: harness.path)
        #expect(journalError { try harness.open() } == nil, "a matching seal spares the check")
        #expect(!SQLiteFileSeal.holds(forDatabase: harness.path, now: Date() + SQLiteFileSeal.maximumAge))
        let verdict = try harness.open().verifyAudit()
        #expect(!verdict.isIntact)
    }

    @Test func twoJournalsOnOneFileRenewTheSealInTurn() throws {
        // As a `fapiao sync --watch` and a clerk's captures do: each commit starts from the
        // state the other's seal names.
        let harness = try sealedJournal()
        let first = try harness.open()
        let second = try harness.open()
        for sequence in stride(from: 4, to: 10, by: 2) {
            _ = try first.capture(harness.input(sequence), options: JournalHarness.options)
            #expect(SQLiteFileSeal.holds(forDatabase: harness.path))
            _ = try second.capture(harness.input(sequence + 1), options: JournalHarness.options)
            #expect(SQLiteFileSeal.holds(forDatabase: harness.path))
        }
        try first.close()
        try second.close()
    }

    @Test func aCommitAfterAnotherProgramsWriteDoesNotRenewTheSeal() throws {
        let harness = try sealedJournal()
        let journal = try harness.open()
        _ = try journal.capture(harness.input(4), options: JournalHarness.options)
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path))
        // Another program writes while the journal is open: what it wrote was never checked.
        try harness.tamper(sql: "UPDATE invoice SET buyer_name = 'X' WHERE rowid = 1")
        _ = try journal.capture(harness.input(5), options: JournalHarness.options)
        #expect(!SQLiteFileSeal.holds(forDatabase: harness.path))
        try journal.close()
        #expect(!SQLiteFileSeal.holds(forDatabase: harness.path))
        #expect(journalError { try harness.open() } == nil, "the next opening checks every page, and it is sound")
    }

    @Test func aSealIsRenewedInPlaceAndAShorterLineLeavesNoOldTail() throws {
        let harness = try sealedJournal()
        let seal = SQLiteFileSeal.sealPath(forDatabase: harness.path)
        let before = try #require(FileStat(seal))
        let journal = try harness.open()
        _ = try journal.capture(harness.input(4), options: JournalHarness.options)
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path))
        #expect(FileStat(seal)?.inode == before.inode, "written over, not renamed into place")

        // A longer line before (an old seal): the new one is cut to its own length.
        let present = try #require(SQLiteFileSeal.identity(ofDatabase: harness.path))
        let text = try String(contentsOfFile: seal, encoding: .utf8)
        try Data((text + String(repeating: "9", count: 200) + "\n").utf8).write(to: URL(fileURLWithPath: seal))
        #expect(chmod(seal, 0o600) == 0)
        #expect(!SQLiteFileSeal.holds(forDatabase: harness.path))
        SQLiteFileSeal.record(present, forDatabase: harness.path)
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path))
        #expect(try String(contentsOfFile: seal, encoding: .utf8).utf8.count < text.utf8.count + 10)
        try journal.close()
    }

    @Test func aSealLinkedElsewhereOrOpenToOthersIsReplacedNotWrittenThrough() throws {
        let harness = try sealedJournal()
        let seal = SQLiteFileSeal.sealPath(forDatabase: harness.path)
        let present = try #require(SQLiteFileSeal.identity(ofDatabase: harness.path))
        let original = try String(contentsOfFile: seal, encoding: .utf8)

        // A second hard link: renewing must not change the other name's bytes.
        let linked = harness.path + "-other"
        #expect(link(seal, linked) == 0)
        SQLiteFileSeal.record(present, forDatabase: harness.path, sealedAt: Date() + 1)
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path, now: Date() + 2))
        #expect(try String(contentsOfFile: linked, encoding: .utf8) == original)

        // A symbolic link: replaced itself, its target untouched.
        try FileManager.default.removeItem(atPath: seal)
        #expect(symlink(linked, seal) == 0)
        SQLiteFileSeal.record(present, forDatabase: harness.path)
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path))
        #expect(try String(contentsOfFile: linked, encoding: .utf8) == original)
        let kind = try FileManager.default.attributesOfItem(atPath: seal)[.type] as? FileAttributeType
        #expect(kind == .typeRegular)

        // Readable by others: replaced by a file of the owner's alone.
        #expect(chmod(seal, 0o644) == 0)
        SQLiteFileSeal.record(present, forDatabase: harness.path)
        #expect(SQLiteFileSeal.holds(forDatabase: harness.path))
        #expect(FileStat(seal).map { $0.mode & 0o077 } == 0)
    }

    @Test func anOldMalformedOrStrangeSealIsNoSeal() throws {
        let harness = try sealedJournal()
        let seal = SQLiteFileSeal.sealPath(forDatabase: harness.path)
        let text = try String(contentsOfFile: seal, encoding: .utf8)
        #expect(!SQLiteFileSeal.holds(forDatabase: harness.path, now: Date() + SQLiteFileSeal.maximumAge + 1))
        #expect(!SQLiteFileSeal.holds(forDatabase: harness.path, now: Date() - 3_600), "sealed in the future")
        for broken in ["", "fapiao-seal 1\n", text.replacingOccurrences(of: "\n", with: ""), text + text, "x" + text] {
            try broken.write(toFile: seal, atomically: true, encoding: .utf8)
            #expect(!SQLiteFileSeal.holds(forDatabase: harness.path), "\(broken.debugDescription)")
        }
        try FileManager.default.removeItem(atPath: seal)
        #expect(mkfifo(seal, 0o600) == 0)
        #expect(!SQLiteFileSeal.holds(forDatabase: harness.path), "a FIFO is not read (it would never answer)")
        // Opening still works: it checks every page and its first write seals again.
        let journal = try harness.open()
        _ = try journal.capture(harness.input(4), options: JournalHarness.options)
        try journal.close()
    }
}

/// The inode and permission bits of a file, or `nil` when it cannot be stat'ed.
private struct FileStat {
    var inode: UInt64
    var mode: UInt32

    init?(_ path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        inode = UInt64(status.st_ino)
        mode = UInt32(status.st_mode)
    }
}
