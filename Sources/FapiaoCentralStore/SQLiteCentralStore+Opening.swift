import FapiaoCore
import FapiaoRemote
import FapiaoSQLiteFiles
import Foundation
import GRDB
import Schema
import Synchronization

extension SQLiteCentralStore {
    /// Writes the application id into a new, empty file, outside WAL mode so that it is in the
    /// main file's header at once: a store whose creation is cut short is still recognised.
    static func mark(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA application_id = \(CentralStoreFile.applicationID)")
        }
        try queue.close()
    }

    /// Refuses a damaged store before anything is written to it (see ``SQLiteFileCheck``):
    /// every page and index, its WAL and its schema are checked first.
    ///
    /// With `expectingNode` (a store opened to read or edit, not to serve), a store that
    /// records no node id is refused too rather than claimed: its first commits are gone
    /// (SQLite drops a WAL whose first frame is damaged), or it was never served.
    static func refuseIfDamaged(path: String, expectingNode: Bool) throws {
        if let finding = try SQLiteFileCheck.finding(
            path: path,
            depth: .thorough,
            migrations: Schema.central,
            busyTimeout: 10
        ) {
            throw CentralStoreError(
                .damaged,
                "The central store \(path) is damaged (\(finding)); it was left as it is: restore it from a `fapiao-central backup` copy."
            )
        }
        guard expectingNode else { return }
        var configuration = Configuration()
        SQLiteStatementProfile.install(on: &configuration)
        configuration.label = "fapiao.central.check"
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        let node = try queue.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM central_setting WHERE key = 'node'")
        }
        if node == nil {
            throw CentralStoreError(
                .damaged,
                "The central store \(path) records no node id: its first changes are lost or it was never served; "
                    + "nothing was written."
            )
        }
    }

    static func openPool(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        SQLiteStatementProfile.install(on: &configuration)
        configuration.label = "fapiao.central"
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 4
        let pool = try DatabasePool(path: path, configuration: configuration)
        try makeDurable(pool, path: path)
        return pool
    }

    /// Puts the writer in WAL mode with `synchronous=FULL` and checks that both stuck (DESIGN §8).
    ///
    /// GRDB's WAL setup sets synchronous=NORMAL on a pool's writer, and a connection opened
    /// otherwise has SQLite's default. `journal_mode = WAL` writes nothing on a store already in
    /// WAL mode, which every store is from its creation.
    static func makeDurable(_ writer: any DatabaseWriter, path: String) throws {
        try writer.barrierWriteWithoutTransaction { db in
            let journalMode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A batch of thousands of operations stays in the page cache until it commits.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            let mode = try Int.fetchOne(db, sql: "PRAGMA synchronous")
            guard mode == 2, journalMode?.lowercased() == "wal" else {
                throw CentralStoreError(
                    .unavailable,
                    "SQLite refused WAL with synchronous=FULL on \(path) (got \(journalMode ?? "?"), \(mode ?? -1)); "
                        + "nothing was written."
                )
            }
        }
    }

    static func migrate(_ pool: DatabasePool) throws {
        try SQLiteMigrations.migrator(Schema.central).migrate(pool)
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
            // The header that `CentralStoreFile.inspect` reads must show the new schema version
            // at once, so an older build refuses the file instead of reading it.
            _ = try db.checkpoint(.truncate)
        }
    }

    /// Records `node` as the store's node id, or checks it against the one recorded.
    static func claim(_ writer: any DatabaseWriter, path: String, node: String) throws {
        try writer.write { db in
            if try recordedNode(db, path: path, expecting: node) { return }
            try db.execute(sql: "INSERT INTO central_setting (key, value) VALUES ('node', ?)", arguments: [node])
            let last = try CentralTransaction.lastSequence(db)
            try db.execute(
                sql: "INSERT OR IGNORE INTO central_setting (key, value) VALUES (?, ?)",
                arguments: [CentralTransaction.lastChangeKey, String(last)]
            )
        }
    }

    /// Whether the store records a node id, after checking that it is `node`.
    ///
    /// - Throws: ``CentralStoreError`` `.nodeMismatch` when it records another.
    static func recordedNode(_ db: Database, path: String, expecting node: String) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT value FROM central_setting WHERE key = ?")
        guard let stored = try String.fetchOne(statement, arguments: ["node"]) else { return false }
        guard stored == node else {
            throw CentralStoreError(
                .nodeMismatch,
                "The central store \(path) belongs to central node \"\(stored)\", not \"\(node)\"; "
                    + "start the service with node \(stored)."
            )
        }
        return true
    }
}
