import FapiaoSQLiteFiles
import GRDB
import Schema

/// The journal's migrations, from the SQL files embedded in ``Schema``.
enum JournalMigrations {
    static var count: Int { Schema.journal.count }

    static func migrator() -> DatabaseMigrator { SQLiteMigrations.migrator(Schema.journal) }
}
