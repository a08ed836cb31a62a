import FapiaoCentralStore
import Foundation
import Logging
import PostgresNIO
import Schema

/// Creates and upgrades the central store's tables in a PostgreSQL database.
///
/// Migrations (``Schema/Schema/postgresCentral``) are applied in one transaction under an
/// advisory lock, so several `fapiao-central` instances starting at once apply each exactly
/// once; the ids applied are kept in `central_migration`. A database holding other tables and
/// no Fapiao store is refused and left unchanged, as is a store a newer Fapiao wrote.
struct PostgresMigrator {
    /// Advisory lock key held while migrating ("FAPIAOMG").
    static let lockKey: Int64 = 0x4641_5049_414F_4D47

    var location: PostgresLocation
    var logger: Logger

    /// Creates or upgrades the store's tables on `connection`, in one transaction.
    func prepare(on connection: PostgresConnection, create: Bool) async throws {
        try await PostgresCentralStore.inTransaction(on: connection, logger: logger) { connection in
            try await migrate(on: connection, create: create)
        }
    }

    /// The statements of a migration file, one per `;` that ends a line.
    ///
    /// `--` comments are removed first. postgres-nio prepares each query, and a prepared query
    /// holds one statement.
    /// Migration files therefore keep a statement's inner semicolons off line ends.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current: [Substring] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let code = line.range(of: "--").map { line[..<$0.lowerBound] } ?? line
            current.append(code)
            if code.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                statements.append(current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
                current = []
            }
        }
        let rest = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    private func migrate(on connection: PostgresConnection, create: Bool) async throws {
        try await connection.run("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
        let tables = try await connection.run(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
            logger: logger
        )
        var names: Set<String> = []
        for try await name in tables.decode(String.self) { names.insert(name) }
        if !names.contains("central_migration") {
            guard names.isEmpty else {
                throw CentralStoreError(
                    .notACentralStore,
                    "The database \(location) holds other tables (\(names.sorted().prefix(3).joined(separator: ", ")))"
                        + " and no Fapiao central store; it was left unchanged. Give the store a database of its own."
                )
            }
            guard create else {
                throw CentralStoreError(
                    .notFound,
                    "No central store in \(location); start `fapiao-central serve --store …` on it once to create it."
                )
            }
            try await connection.run(
                "CREATE TABLE central_migration (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger
            )
        }
        var applied: Set<String> = []
        let rows = try await connection.run("SELECT id FROM central_migration", logger: logger)
        for try await id in rows.decode(String.self) { applied.insert(id) }
        let known = Set(Schema.postgresCentral.map(\.id))
        if let unknown = applied.subtracting(known).sorted().first {
            throw CentralStoreError(
                .newerVersion,
                "The central store \(location) was written by a newer Fapiao (migration \(unknown)); "
                    + "it was left unchanged. Upgrade this fapiao-central."
            )
        }
        for migration in Schema.postgresCentral where !applied.contains(migration.id) {
            for statement in Self.statements(migration.sql) {
                try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.run("INSERT INTO central_migration (id) VALUES (\(migration.id))", logger: logger)
            logger.info("applied migration", metadata: ["migration": "\(migration.id)"])
        }
    }
}
