import FapiaoCentralStore
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoTesting
import Foundation
import GRDB
import Schema
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct SQLiteCentralStoreTests {
    let fixture: CentralFixture
    let path: String

    init() async throws {
        fixture = try await CentralFixture(.sqlite)
        path = fixture.directory.file("central/central.sqlite")
    }

    var store: SQLiteCentralStore {
        get throws { try #require(fixture.store as? SQLiteCentralStore) }
    }

    func reopen(node: String = "central", create: Bool = true) throws -> SQLiteCentralStore {
        try SQLiteCentralStore(path: path, node: node, create: create, now: { [clock = fixture.clock] in clock.now })
    }

    /// The bytes of the file at `path`.
    func bytes(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }

    /// The permission bits of the file at `path`.
    func permissions(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int).map { $0 & 0o777 }
    }

    /// Asserts that opening `path` as a store fails with `code` and leaves the file and its
    /// `-wal`, `-shm` and `-journal` companions byte-for-byte as they were.
    func expectRefusal(
        _ path: String,
        _ code: CentralStoreError.Code,
        create: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let paths = ["", "-wal", "-shm", "-journal"].map { path + $0 }
        let before = paths.map(bytes)
        let error = await centralStoreError { try SQLiteCentralStore(path: path, create: create) }
        #expect(error?.code == code, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.message.contains(path) == true, sourceLocation: sourceLocation)
        for (file, contents) in zip(paths, before) {
            #expect(bytes(file) == contents, "\(file)", sourceLocation: sourceLocation)
        }
    }

    @Test func pushedOperationsSurviveReopeningTheStore() async throws {
        let invoices = try (1...3).map { try fixture.invoice(UInt64($0)) }
        let batch = invoices.map(fixture.create)
        #expect(try await fixture.push(batch) == [.accepted, .accepted, .accepted])
        let voided = try await fixture.edit(invoices[0], .void(reason: "作废"), operation: 40)
        let lookup = try await fixture.store.lookup(invoices.map(\.id))
        let feed = try await fixture.store.changes(branch: CentralFixture.branch, since: 0, limit: 10)
        try await fixture.store.close()

        let reopened = try reopen(create: false)
        #expect(try await reopened.lookup(invoices.map(\.id)) == lookup)
        #expect(try await reopened.invoiceCount() == 3)
        #expect(try await reopened.changes(branch: CentralFixture.branch, since: 0, limit: 10) == feed)
        // The applied operation ids are kept: a replay after the restart is a duplicate.
        let replay = try await reopened.push(batch, from: CentralFixture.branch)
        #expect(replay.map(\.outcome) == [.duplicate, .duplicate, .duplicate])
        let voidReplay = fixture.operation(40, .void, voided.invoice, voided.clock.counters)
        #expect(try await reopened.push([voidReplay], from: CentralFixture.branch).map(\.outcome) == [.duplicate])
        // Change numbers continue after the restart, so a branch's cursor stays valid.
        let amended = try await reopened.edit(
            invoices[1].id,
            CentralEdit(
                .amend(["note": "重启后"]),
                actor: "总部",
                at: fixture.clock.now,
                operationID: SequentialIDSource.id(41)
            )
        )
        let next = try await reopened.changes(branch: CentralFixture.branch, since: feed.cursor, limit: 10)
        #expect(next.changes.map(\.version) == [amended])
        #expect(try #require(next.changes.first).sequence > feed.cursor)
        try await reopened.close()
    }

    @Test func rowsHoldTheCanonicalContentItsHashAndTheChangeOrder() async throws {
        let invoices = try (1...300).map { try fixture.invoice(UInt64($0)) }
        _ = try await fixture.push(invoices.map(fixture.create))
        let voided = try await fixture.edit(invoices[0], .void(reason: "作废"), operation: 9)
        try await fixture.store.close()
        let queue = try DatabaseQueue(path: path)
        let rows = try await queue.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, content, content_hash, voided, change_seq, changed_by FROM central_invoice ORDER BY change_seq"
            )
        }
        let operations = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT invoice_id, node, change_seq FROM central_operation ORDER BY change_seq")
        }
        try queue.close()
        let expected = invoices.dropFirst() + [voided.invoice]
        #expect(rows.map { $0["id"] as String } == expected.map(\.id.uuidString))
        #expect(rows.map { $0["content"] as String } == expected.map(\.canonicalJSON.text))
        #expect(rows.map { $0["content_hash"] as String } == expected.map(\.contentHash))
        #expect(rows.map { $0["voided"] as Int } == Array(repeating: 0, count: 299) + [1])
        #expect(
            rows.map { $0["changed_by"] as String } == Array(repeating: CentralFixture.branch, count: 299) + ["central"]
        )
        #expect(operations.map { $0["change_seq"] as Int64 } == Array(1...301))
        #expect(operations.last?["node"] == "central")
        #expect(rows.map { $0["change_seq"] as Int64 } == Array(2...301))
    }

    @Test func theWriterRunsWithSynchronousFull() async throws {
        #expect(try store.writerSynchronousMode() == 2)
        _ = try await fixture.push([fixture.create(try fixture.invoice(1))])
        #expect(try store.writerSynchronousMode() == 2)
        try await fixture.store.close()
        let reopened = try reopen()
        #expect(try reopened.writerSynchronousMode() == 2)
        try await reopened.close()
    }

    @Test func theFileCarriesTheCentralStoresHeader() async throws {
        try await fixture.store.close()
        let header = try #require(bytes(path)).prefix(100)
        #expect(Array(header.prefix(16)) == Array("SQLite format 3\0".utf8))
        #expect(Array(header[68..<72]) == Array("FAPC".utf8))  // application_id
        #expect(header[60..<64].reduce(0) { $0 << 8 | Int($1) } == Schema.central.count)  // user_version
        #expect(header[18] == 2 && header[19] == 2)  // WAL
    }

    @Test func theFileAndItsDirectoryArePrivateWhateverTheUmask() async throws {
        for (index, mask) in [0o022, 0o002, 0o000].enumerated() {
            let path = fixture.directory.file("office-\(index)/central.sqlite")
            let previous = umask(mode_t(mask))
            defer { umask(previous) }
            let store = try SQLiteCentralStore(path: path)
            _ = try await store.push(
                [fixture.create(try fixture.invoice(UInt64(index + 1)))],
                from: CentralFixture.branch
            )
            #expect(permissions(path) == 0o600, "umask \(String(mask, radix: 8))")
            #expect(permissions((path as NSString).deletingLastPathComponent) == 0o700)
            var seen = 0
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                #expect(permissions(path + suffix) == 0o600, "\(suffix) with umask \(String(mask, radix: 8))")
                seen += 1
            }
            #expect(seen > 0, "an open WAL store has a -wal or -shm file")
            try await store.close()
        }
    }

    @Test func aBranchJournalIsRefusedAndLeftUnchanged() async throws {
        let journalPath = fixture.directory.file("branch/journal.sqlite")
        let journal = try Journal.create(
            at: journalPath,
            settings: JournalSettings(node: "bj-01"),
            actor: "王小明",
            environment: .testing(clock: fixture.clock)
        )
        try journal.close()
        await expectRefusal(journalPath, .notACentralStore)
        let error = await centralStoreError { try SQLiteCentralStore(path: journalPath) }
        #expect(error?.message.contains("branch journal") == true)
    }

    @Test func randomBytesAreRefusedAndLeftUnchanged() async throws {
        let randomPath = fixture.directory.file("random.bin")
        var random = SeededGenerator(seed: 0xFA9C)
        try Data((0..<8_192).map { _ in UInt8.random(in: 0...255, using: &random) })
            .write(to: URL(fileURLWithPath: randomPath))
        await expectRefusal(randomPath, .notACentralStore)
        let shortPath = fixture.directory.file("short.txt")
        try Data("SQLite format 3".utf8).write(to: URL(fileURLWithPath: shortPath))
        await expectRefusal(shortPath, .notACentralStore)
    }

    @Test func anotherApplicationsDatabaseIsRefusedAndLeftUnchanged() async throws {
        let foreign = fixture.directory.file("foreign.sqlite")
        let queue = try DatabaseQueue(path: foreign)
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE central_invoice (id TEXT PRIMARY KEY)")
            try db.execute(sql: "INSERT INTO central_invoice VALUES ('1')")
        }
        try queue.close()
        await expectRefusal(foreign, .notACentralStore)
    }

    @Test func aStoreFromANewerVersionIsRefusedAndLeftUnchanged() async throws {
        try await fixture.store.close()
        var contents = try #require(bytes(path))
        contents.replaceSubrange(60..<64, with: [0, 0, 0, UInt8(Schema.central.count + 1)])
        try contents.write(to: URL(fileURLWithPath: path))
        await expectRefusal(path, .newerVersion)
    }

    /// SQLite opens a file with an unknown write version read-only, so every write failed as if the
    /// file belonged to another user (exit 69); it is a damaged header, and is said so (70).
    @Test(arguments: [18, 19, 21])
    func aDamagedHeaderFieldIsReportedAsDamageAndLeftUnchanged(offset: Int) async throws {
        try await fixture.store.close()
        var contents = try #require(bytes(path))
        contents[offset] ^= 0x04
        try contents.write(to: URL(fileURLWithPath: path))
        await expectRefusal(path, .damaged)
    }

    @Test func aMissingStoreIsCreatedOnlyWhenAsked() async throws {
        let missing = fixture.directory.file("elsewhere/central.sqlite")
        await expectRefusal(missing, .notFound, create: false)
        #expect(!FileManager.default.fileExists(atPath: (missing as NSString).deletingLastPathComponent))
        let created = try SQLiteCentralStore(path: missing, create: true)
        #expect(try await created.invoiceCount() == 0)
        try await created.close()
        let opened = try SQLiteCentralStore(path: missing, create: false)
        #expect(try await opened.invoiceCount() == 0)
        try await opened.close()
    }

    @Test func anEmptyFileIsNoStoreToCommandsThatDoNotCreateOneAndSaysSo() async throws {
        let emptyPath = fixture.directory.file("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: emptyPath, contents: Data()))
        await expectRefusal(emptyPath, .notFound, create: false)
        let error = await centralStoreError { try SQLiteCentralStore(path: emptyPath, create: false) }
        #expect(error?.message.contains("is empty, so it holds no store") == true)
        #expect(error?.message.contains("fapiao-central backup") == true)
        let backup = await centralStoreError {
            _ = try SQLiteCentralStore.backup(path: emptyPath, to: fixture.directory.file("copy.sqlite"))
        }
        #expect(backup?.code == .notFound)
        #expect(backup?.message.contains("is empty, so it holds no store") == true)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file("copy.sqlite")))
    }

    @Test func anEmptyFileBecomesAStore() async throws {
        let emptyPath = fixture.directory.file("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: emptyPath, contents: Data()))
        let store = try SQLiteCentralStore(path: emptyPath)
        #expect(
            try await store.push([fixture.create(try fixture.invoice(1))], from: "bj-01").map(\.outcome) == [.accepted]
        )
        try await store.close()
        #expect(permissions(emptyPath) == 0o600)
    }

    @Test func theStoreKeepsTheNodeItWasCreatedFor() async throws {
        try await fixture.store.close()
        let error = await centralStoreError { try reopen(node: "hq") }
        #expect(error?.code == .nodeMismatch)
        #expect(error?.message.contains("\"central\"") == true)
        let store = try reopen(node: "central")
        #expect(store.node == "central")
        try await store.close()
    }

    @Test func aDamagedStoredVersionIsReportedNotGuessed() async throws {
        let invoice = try fixture.invoice(1)
        _ = try await fixture.push([fixture.create(invoice)])
        try await fixture.store.close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: "UPDATE central_invoice SET content = '{\"id\":' WHERE id = ?",
                arguments: [invoice.id.uuidString]
            )
        }
        try queue.close()
        let store = try reopen()
        #expect(await centralStoreError { try await store.lookup([invoice.id]) }?.code == .damaged)
        var amended = invoice
        amended.note = "改"
        let amend = fixture.operation(2, .amend, amended, [CentralFixture.branch: 2])
        #expect(
            await centralStoreError { try await store.push([amend], from: CentralFixture.branch) }?.code == .damaged
        )
        try await store.close()
    }

    @Test func aRowDeletedBehindTheStoresBackIsMissingButItsOperationStaysApplied() async throws {
        let invoice = try fixture.invoice(1)
        let create = fixture.create(invoice)
        _ = try await fixture.push([create])
        try await fixture.store.close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM central_invoice WHERE id = ?", arguments: [invoice.id.uuidString])
        }
        try queue.close()
        let store = try reopen()
        #expect(try await store.lookup([invoice.id]).missing == [invoice.id])
        #expect(try await store.push([create], from: CentralFixture.branch).map(\.outcome) == [.duplicate])
        // Reconcile re-queues it under a new operation id, which the centre accepts.
        let requeued = fixture.operation(2, .create, invoice, create.clock.counters)
        #expect(try await store.push([requeued], from: CentralFixture.branch).map(\.outcome) == [.accepted])
        try await store.close()
    }

    @Test func aClosedStoreRefusesEveryCall() async throws {
        let store = try store
        try await store.close()
        try await store.close()
        let invoice = try fixture.invoice(1)
        #expect(
            await centralStoreError { try await store.push([fixture.create(invoice)], from: "bj-01") }?.code
                == .unavailable
        )
        #expect(await centralStoreError { try await store.lookup([invoice.id]) }?.code == .unavailable)
        #expect(await centralStoreError { try await store.invoiceCount() }?.code == .unavailable)
        #expect(
            await centralStoreError { try await store.changes(branch: "bj-01", since: 0, limit: 1) }?.code
                == .unavailable
        )
    }
}
