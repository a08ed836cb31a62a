import GRDB
import Schema
import Synchronization

/// Whether a database's schema is the one its migrations write.
///
/// SQLite keeps each table's definition as the text of its `CREATE` statement and checks
/// neither that text nor what it names against anything: a flipped bit in it (a column named
/// `hasi` instead of `hash`) passes `PRAGMA integrity_check`, and the file then fails on its
/// first write, after opening has already written to it. The definitions are compared with
/// those the migrations up to the file's `user_version` write on an empty database.
enum SQLiteSchemaCheck {
    /// The first table or index that differs from what `migrations` write, or `nil`.
    static func difference(_ db: Database, migrations: [Schema.Migration]) throws -> String? {
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        // No build writes a negative version (a flipped top bit of the header's field): taking
        // it for an old schema would let the opening "upgrade" the file, rewriting its header.
        guard version >= 0 else { return "the schema version \(version) is not one any build writes" }
        // A newer file's version is refused by name before this check.
        guard version <= migrations.count else { return nil }
        let found = try definitions(db)
        let expected = try expectedDefinitions(migrations.prefix(version))
        for object in Set(found.keys).union(expected.keys).sorted() where found[object] != expected[object] {
            if found[object] == nil { return "\(object) is missing" }
            return expected[object] == nil ? "\(object) is not one of its own" : "\(object) differs"
        }
        return nil
    }

    /// Every table and index ("table invoice", …) and its SQL.
    ///
    /// SQLite's own objects are left out, and so is GRDB's record of the migrations run, whose
    /// text is the library's to change; so are triggers, which no write depends on (a trigger
    /// dropped to edit history behind fapiao's back is for `audit verify` to find in the rows).
    private static func definitions(_ db: Database) throws -> [String: String] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT type, name, sql FROM sqlite_master
                WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                    AND name <> 'grdb_migrations'
                """
        )
        var result: [String: String] = [:]
        for row in rows {
            let type: String? = row["type"]
            let name: String? = row["name"]
            let sql: String? = row["sql"]
            result["\(type ?? "?") \(name ?? "?")"] = sql ?? ""
        }
        return result
    }

    private static let cache = Mutex<[[Schema.Migration]: [String: String]]>([:])

    /// What `migrations` write on an empty database, computed once per list.
    private static func expectedDefinitions(_ migrations: ArraySlice<Schema.Migration>) throws -> [String: String] {
        let key = Array(migrations)
        if let known = cache.withLock({ $0[key] }) { return known }
        let queue = try DatabaseQueue()
        try SQLiteMigrations.migrator(key).migrate(queue)
        let made = try queue.read { db in try definitions(db) }
        cache.withLock { $0[key] = made }
        return made
    }
}
