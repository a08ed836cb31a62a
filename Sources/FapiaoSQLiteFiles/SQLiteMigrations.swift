import GRDB
import Schema

/// The one way both SQLite stores turn their SQL migrations into a GRDB migrator, so the
/// schema check compares a file with exactly what opening it would have written.
public enum SQLiteMigrations {
    /// A migrator running `migrations` in order, each as one SQL script.
    public static func migrator(_ migrations: [Schema.Migration]) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.id) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }
}
