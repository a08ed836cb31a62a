import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// Damage that SQLite notices only where a statement reads: an open for stats or an HQ edit
/// must refuse it before anything is written.
extension SQLiteCentralStoreTests {
    /// Pushes `count` invoices, closes the store and folds its WAL into the file.
    func filledAndCheckpointed(_ count: Int) async throws {
        let invoices = try (1...count).map { try fixture.invoice(UInt64($0)) }
        _ = try await fixture.push(invoices.map { fixture.create($0) })
        try await fixture.store.close()
        try behindTheStoresBack(path) { db in _ = try db.checkpoint(.truncate) }
    }

    /// Runs `body` on the store file with no transaction open, as any SQLite tool could.
    func behindTheStoresBack(_ path: String, _ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction(body)
        try queue.close()
    }

    /// Asserts that opening the store to read fails as damaged and leaves the file and the
    /// contents of its WAL as they were (a read-only check may leave an empty WAL and the
    /// shared-memory index, which hold nothing).
    func expectDamagedAndUntouched(sourceLocation: SourceLocation = #_sourceLocation) async {
        let before = bytes(path)
        let walBefore = bytes(path + "-wal") ?? Data()
        let error = await centralStoreError { try SQLiteCentralStore(path: path, create: false) }
        #expect(error?.code == .damaged, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.message.contains(path) == true, sourceLocation: sourceLocation)
        #expect(bytes(path) == before, sourceLocation: sourceLocation)
        #expect((bytes(path + "-wal") ?? Data()) == walBefore, sourceLocation: sourceLocation)
        #expect(bytes(path + "-journal") == nil, sourceLocation: sourceLocation)
    }

    @Test func aStoreThatLostItsNodeIdIsRefusedNotClaimedByAReader() async throws {
        try await filledAndCheckpointed(2)
        // What a store looks like when SQLite dropped the WAL holding its first commits.
        try behindTheStoresBack(path) { db in
            try db.execute(sql: "DELETE FROM central_setting WHERE key = 'node'")
            _ = try db.checkpoint(.truncate)
        }
        await expectDamagedAndUntouched()
    }

    @Test func aDamagedPageNoStatementReadsIsRefusedBeforeAnythingIsWritten() async throws {
        try await filledAndCheckpointed(60)
        var data = try #require(bytes(path))
        let pageSize = Int(data[16]) << 8 | Int(data[17])
        var root: Int?
        try behindTheStoresBack(path) { db in
            root = try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'central_invoice'")
        }
        let rootOffset = (try #require(root) - 1) * pageSize
        #expect(data[rootOffset] == 0x05, "central_invoice spans several leaf pages")
        let firstCell = Int(data[rootOffset + 12]) << 8 | Int(data[rootOffset + 13])
        let leaf = data[rootOffset + firstCell..<rootOffset + firstCell + 4].reduce(0) { $0 << 8 | Int($1) }
        data.replaceSubrange((leaf - 1) * pageSize..<leaf * pageSize, with: Data(repeating: 0, count: pageSize))
        try data.write(to: URL(fileURLWithPath: path))
        await expectDamagedAndUntouched()
    }

    @Test func aStoreWhoseTableDefinitionChangedIsRefusedBeforeAnythingIsWritten() async throws {
        try await filledAndCheckpointed(2)
        // What one flipped bit in sqlite_master does: a column's name changes, every page
        // stays sound, and only the first write naming the column would fail.
        try behindTheStoresBack(path) { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(
                sql: """
                    UPDATE sqlite_master SET sql = replace(sql, '    hash ', '    hasi ')
                    WHERE name = 'central_operation'
                    """
            )
            _ = try db.checkpoint(.truncate)
        }
        await expectDamagedAndUntouched()
    }

    @Test func anEmptyStoreFileBesideAWALIsDamagedNotAbsent() async throws {
        try await fixture.store.close()
        try Data().write(to: URL(fileURLWithPath: path))
        try Data(repeating: 7, count: 4_096).write(to: URL(fileURLWithPath: path + "-wal"))
        await expectDamagedAndUntouched()
    }

    /// Asserts that `edit` on the store opened as the HQ tools open it (`create: false`) is
    /// refused with `code` and leaves the file and the contents of its WAL as they were.
    func expectRefusedEditLeavesTheFile(
        _ invoiceID: UUID,
        _ edit: CentralEdit,
        _ code: CentralStoreError.Code,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = bytes(path)
        let walBefore = bytes(path + "-wal") ?? Data()
        let store = try reopen(create: false)
        let error = await centralStoreError { try await store.edit(invoiceID, edit) }
        try await store.close()
        #expect(error?.code == code, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(bytes(path) == before, sourceLocation: sourceLocation)
        #expect((bytes(path + "-wal") ?? Data()) == walBefore, sourceLocation: sourceLocation)
    }

    @Test func anEditRefusedOnADamagedRowLeavesTheCheckpointedFileAsItWas() async throws {
        try await filledAndCheckpointed(2)
        let damaged = try fixture.invoice(1).id
        // A row every page check passes but no decoder reads: what a flipped bit inside the
        // stored JSON does.
        try behindTheStoresBack(path) { db in
            try db.execute(
                sql: "UPDATE central_invoice SET content = '{\"id\":' WHERE id = ?",
                arguments: [damaged.uuidString]
            )
            _ = try db.checkpoint(.truncate)
        }
        let edit = CentralEdit(.amend(["note": "改"]), actor: "王芳", at: fixture.clock.now)
        try await expectRefusedEditLeavesTheFile(damaged, edit, .damaged)
    }

    @Test func anInvalidEditLeavesTheCheckpointedFileAsItWasAndAValidOneIsKept() async throws {
        try await filledAndCheckpointed(2)
        let id = try fixture.invoice(1).id
        let refused = CentralEdit(.amend(["no.such.field": "x"]), actor: "王芳", at: fixture.clock.now)
        try await expectRefusedEditLeavesTheFile(id, refused, .invalidEdit)
        try await expectRefusedEditLeavesTheFile(UUID(), refused, .invoiceNotFound)

        let store = try reopen(create: false)
        let edit = CentralEdit(.amend(["note": "改"]), actor: "王芳", at: fixture.clock.now)
        _ = try await store.edit(id, edit)
        try await store.close()
        // The late writer committed, so its close folded the WAL into the file.
        #expect((bytes(path + "-wal") ?? Data()).isEmpty)
        let reopened = try reopen(create: false)
        #expect(try await reopened.lookup([id]).found.first?.invoice.note == "改")
        try await reopened.close()
    }
}
