import GRDB
import Schema

/// The journal's migrations, from the SQL files embedded in ``Schema``.
enum JournalMigrations {
    static var count: Int { Schema.journal.count }

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in Schema.journal {
            migrator.registerMigration(migration.id) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }
}
