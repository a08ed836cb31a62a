import FapiaoCore
import Foundation
import GRDB
import Schema

/// Tells whether a journal's or a central store's SQLite file may be opened, before anything
/// opens it for writing.
///
/// SQLite notices damage only on the pages a statement touches: a write could land beside a
/// damaged page it never reads, a page of another table swapped into a table's tree reads as
/// rows with NULLs where the schema allows none, a unique index missing a row would let a
/// duplicate in, a WAL is read only up to its first damaged frame, and a definition whose text
/// changed fails only when used. Opening a GRDB pool already writes (it makes sure the WAL is
/// not empty), so every check here runs first, on a read-only connection.
public enum SQLiteFileCheck {
    /// How much of the file is read.
    public enum Depth: Sendable {
        /// Every page (`PRAGMA quick_check`): about 0.1 s per 20,000 invoices.
        case quick
        /// Every page and every index against its table (`PRAGMA integrity_check`): about
        /// three times as long.
        case thorough
    }

    /// What is wrong with the file at `path`, in words for "… is damaged (FINDING)", or `nil`
    /// when it is sound.
    ///
    /// - Parameters:
    ///   - path: the database file.
    ///   - depth: how much is read.
    ///   - migrations: the migrations that write its schema, for comparing definitions.
    ///   - busyTimeout: how long to wait for a writer holding the file.
    /// - Returns: the finding, or `nil`.
    /// - Throws: what SQLite throws when the file cannot be read at all.
    public static func finding(
        path: String,
        depth: Depth,
        migrations: [Schema.Migration],
        busyTimeout: TimeInterval = 30
    ) throws -> String? {
        let readFile = { (file: String) in FileManager.default.contents(atPath: file).map { [UInt8]($0) } }
        if let damage = SQLiteWAL.damage(besideDatabase: path, read: readFile) {
            return damage.description
        }
        var configuration = Configuration()
        configuration.label = "fapiao.check"
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        let pragma = depth == .thorough ? "integrity_check" : "quick_check"
        return try queue.read { db in
            let verdict = try String.fetchAll(db, sql: "PRAGMA \(pragma)(1)")
            guard verdict == ["ok"] else {
                let finding = verdict.flatMap { $0.split(separator: "\n") }.first { !$0.hasPrefix("***") }
                return "SQLite finds: \(finding ?? "no verdict")"
            }
            return try SQLiteSchemaCheck.difference(db, migrations: migrations).map {
                "its schema is not the one fapiao writes: \($0)"
            }
        }
    }
}
