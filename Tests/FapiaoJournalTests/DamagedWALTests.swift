import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// SQLite reads a WAL only up to its first damaged frame and drops every commit after it,
/// as if a crash had torn them; a journal whose WAL holds commits after a damaged frame must
/// be refused (70) and left as it is, while a tail a crash could have torn still opens.
@Suite struct DamagedWALTests {
    /// A journal whose 12 captures are all still in its WAL, copied with it while a reader
    /// kept them from being checkpointed.
    struct Fixture {
        let harness: JournalHarness
        let wal: Data
        let frameSize: Int

        var walPath: String { harness.path + "-wal" }

        init() throws {
            let source = try JournalHarness()
            let journal = try source.create()
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let reader = try DatabaseQueue(path: source.path, configuration: configuration)
            try reader.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN")
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM invoice")
            }
            for sequence in 1...12 {
                _ = try journal.capture(source.input(sequence), options: JournalHarness.options)
            }
            harness = try JournalHarness()
            try FileManager.default.copyItem(atPath: source.path, toPath: harness.path)
            try FileManager.default.copyItem(atPath: source.path + "-wal", toPath: harness.path + "-wal")
            try reader.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
            try reader.close()
            try journal.close()
            wal = try #require(harness.bytes(harness.path + "-wal"))
            frameSize = 24 + (Int(wal[8]) << 24 | Int(wal[9]) << 16 | Int(wal[10]) << 8 | Int(wal[11]))
        }

        /// Frames in the WAL.
        var frames: Int { (wal.count - 32) / frameSize }

        /// Writes the WAL with `change` applied.
        func writeWAL(_ change: (inout Data) -> Void) throws -> Data {
            var bytes = wal
            change(&bytes)
            try bytes.write(to: URL(fileURLWithPath: walPath))
            return bytes
        }
    }

    @Test func theFixtureHoldsEveryCaptureInItsWAL() throws {
        let fixture = try Fixture()
        #expect(fixture.frames >= 12)
        let journal = try fixture.harness.open()
        defer { try? journal.close() }
        #expect(try journal.invoices().count == 12)
    }

    @Test(arguments: [1, 3])
    func aDamagedFrameWithCommitsAfterItIsRefusedAndLeftAsItIs(eighth: Int) throws {
        let fixture = try Fixture()
        let frame = fixture.frames * eighth / 8
        let database = try #require(fixture.harness.bytes())
        let damaged = try fixture.writeWAL { bytes in bytes[32 + frame * fixture.frameSize + 24 + 200] ^= 0x10 }

        let error = journalError { try fixture.harness.open() }

        #expect(error?.code == .damaged)
        #expect(error?.message.contains("frame \(frame + 1) of the write-ahead log is damaged") == true)
        #expect(fixture.harness.bytes() == database)
        #expect(fixture.harness.bytes(fixture.walPath) == damaged)
    }

    @Test func aDamagedWALHeaderWithSeveralCommitsIsRefused() throws {
        let fixture = try Fixture()
        _ = try fixture.writeWAL { bytes in bytes[13] ^= 0x01 }  // the checkpoint sequence

        let error = journalError { try fixture.harness.open() }

        #expect(error?.code == .damaged)
        #expect(error?.message.contains("header is damaged") == true)
    }

    @Test func aLastFrameCutShortIsACrashAndOpens() throws {
        let fixture = try Fixture()
        _ = try fixture.writeWAL { bytes in bytes.removeLast(fixture.frameSize / 2) }

        let journal = try fixture.harness.open()
        defer { try? journal.close() }

        #expect(try journal.invoices().count == 11)
    }

    @Test func aDamagedLastFrameIsACrashAndOpens() throws {
        let fixture = try Fixture()
        _ = try fixture.writeWAL { bytes in bytes[bytes.count - 100] ^= 0x01 }

        let journal = try fixture.harness.open()
        defer { try? journal.close() }

        #expect(try journal.invoices().count == 11)
    }
}
