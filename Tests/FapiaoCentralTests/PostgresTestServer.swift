import FapiaoCentralStore
import FapiaoPostgres
import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL server the tests use: `$FAPIAO_TEST_POSTGRES_URL`, which `Tools/test` sets
/// after starting a private cluster (`Tools/pg/cluster`).
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["FAPIAO_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static var isConfigured: Bool { url != nil }

    /// The server's maintenance database.
    static func location() throws -> PostgresLocation {
        guard let url else {
            throw CentralStoreError(.notFound, "FAPIAO_TEST_POSTGRES_URL is not set; Tools/test sets it.")
        }
        return try PostgresLocation(url: url, applicationName: "fapiao-tests")
    }

    /// A new, empty database on the server, for one store.
    static func newDatabase() async throws -> PostgresLocation {
        let name = "fapiao_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin("CREATE DATABASE \(name)")
        return try location().with(database: name)
    }

    /// Runs one statement on `database` (the maintenance database by default).
    static func admin(_ sql: String, database: String? = nil) async throws {
        let session = try await Session.open(database: database)
        do {
            try await session.execute(sql)
            try await session.close()
        } catch {
            try? await session.close()
            throw error
        }
    }

    /// The first column of the first row `sql` returns on `database`, as text.
    static func scalar(_ sql: String, database: String) async throws -> String? {
        let session = try await Session.open(database: database)
        do {
            let value = try await session.scalar(sql)
            try await session.close()
            return value
        } catch {
            try? await session.close()
            throw error
        }
    }

    /// One connection of its own, outside any store: a test's second writer.
    struct Session {
        let connection: PostgresConnection

        static func open(database: String? = nil) async throws -> Session {
            var location = try PostgresTestServer.location()
            if let database { location = location.with(database: database) }
            let connection = try await PostgresConnection.connect(
                configuration: try location.connectionConfiguration(),
                id: 1,
                logger: Logger(label: "fapiao.tests.postgres")
            )
            return Session(connection: connection)
        }

        func execute(_ sql: String) async throws {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "fapiao.tests.postgres"))
        }

        func scalar(_ sql: String) async throws -> String? {
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: sql),
                logger: Logger(label: "fapiao.tests.postgres")
            )
            for try await value in rows.decode(String?.self) { return value }
            return nil
        }

        func close() async throws { try await connection.close() }
    }
}
