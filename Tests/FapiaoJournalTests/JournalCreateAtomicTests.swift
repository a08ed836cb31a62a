import FapiaoCore
import FapiaoJournal
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Journal.create` builds the journal under a temporary name and puts it in place only when
/// complete: a crash part-way leaves nothing at the journal's path (the reliability harness kills
/// `fapiao init` at its commit to check that end to end; these check the parts a test can reach).
@Suite struct JournalCreateAtomicTests {
    let harness: JournalHarness

    init() throws {
        harness = try JournalHarness()
    }

    func directoryListing() throws -> [String] {
        let directory = (harness.path as NSString).deletingLastPathComponent
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func aCreatedJournalLeavesNoTemporaryFileBehind() throws {
        let journal = try harness.create()
        try journal.close()
        let name = (harness.path as NSString).lastPathComponent
        #expect(
            try directoryListing().filter {
                $0.hasPrefix(name) && $0 != name && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm")
            } == []
        )
        let reopened = try harness.open()
        #expect(try reopened.verifyAudit().isIntact)
    }

    @Test func aLeftoverOfAKilledInitDoesNotStopTheNextOne() throws {
        // What a killed `fapiao init` of this process id would have left beside the path.
        let leftover = "\(harness.path).init-\(getpid())"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data("half a journal".utf8)))
        let journal = try harness.create()
        #expect(try journal.verifyAudit().isIntact)
        #expect(!FileManager.default.fileExists(atPath: leftover))
    }

    @Test func anExistingFileIsRefusedAndLeftAsItWas() throws {
        let bytes = Data("somebody's spreadsheet".utf8)
        #expect(FileManager.default.createFile(atPath: harness.path, contents: bytes))
        let before = try directoryListing()
        let error = journalError { try harness.create() }
        #expect(error?.code == .alreadyExists)
        #expect(FileManager.default.contents(atPath: harness.path) == bytes)
        #expect(try directoryListing() == before)
    }
}
