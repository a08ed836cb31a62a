import FapiaoCentralStore
import FapiaoPostgres
import FapiaoTesting
import Foundation
import Testing

/// `fapiao-central --store postgres://…`, `--store-file` and `$FAPIAO_CENTRAL_STORE`: where the
/// store's URL and password may come from, and what is refused.
@Suite struct PostgresStoreOptionTests {
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:]
    ) async throws
        -> ServeCommandTests.Finished
    {
        // The test process's own PostgreSQL settings must not leak into the child.
        try await ServeCommandTests.run(
            arguments,
            environment: ["FAPIAO_CENTRAL_STORE": "", "PGPASSWORD": ""].merging(environment) { $1 }
        )
    }

    @Test func aPasswordOnTheCommandLineIsRefusedWithoutEchoingIt() async throws {
        let finished = try await Self.run(["stats", "--store", "postgres://fapiao:Secret-Canary-9@127.0.0.1:1/fapiao"])
        #expect(finished.status == 64)
        #expect(finished.error.contains("ps"))
        #expect(!finished.error.contains("Secret-Canary-9"))
        #expect(!finished.output.contains("Secret-Canary-9"))
    }

    @Test func aMalformedURLNamesTheRule() async throws {
        let finished = try await Self.run(["stats", "--store", "postgres://fapiao@db/fapiao?sslmode=sometimes"])
        #expect(finished.status == 64)
        #expect(finished.error.contains("sslmode=sometimes"))
    }

    @Test func aStoreFileOthersCanReadIsRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "fapiao-store-file")
        let file = directory.file("store-url")
        try Data("postgres://fapiao:pw@127.0.0.1:1/fapiao\n".utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o644)
        let finished = try await Self.run(["stats", "--store-file", file])
        #expect(finished.status == 77)
        #expect(finished.error.contains("chmod 600"))
    }

    @Test func anUnreachableServerExits69() async throws {
        let finished = try await Self.run([
            "stats", "--store", "postgres://fapiao@127.0.0.1:\(try RawHTTP.closedPort())/fapiao",
        ])
        #expect(finished.status == 69)
        #expect(finished.error.contains("cannot be reached"))
    }

    @Test(.enabled(if: PostgresTestServer.isConfigured, "FAPIAO_TEST_POSTGRES_URL is not set; run Tools/test"))
    func theURLWithItsPasswordMayComeFromAFileOrTheEnvironment() async throws {
        let location = try await PostgresTestServer.newDatabase()
        let password = try #require(location.password)
        let withPassword =
            "postgres://\(location.username):\(password)@\(location.host):\(location.port)/"
            + "\(location.database)?sslmode=disable"
        let directory = try TemporaryDirectory(prefix: "fapiao-store-file")
        let tokens = directory.file("tokens")
        #expect(try await Self.run(["token", "add", "bj-01", "--tokens", tokens]).status == 0)
        // No store in the database yet: stats refuses (66); serve would create it.
        let file = directory.file("store-url")
        try Data((withPassword + "\n").utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
        let before = try await Self.run(["stats", "--store-file", file])
        #expect(before.status == 66)
        #expect(!before.error.contains(password))

        let store = try await PostgresCentralStore(location: location)
        try await store.close()
        let fromFile = try await Self.run(["stats", "--store-file", file, "--format", "json"])
        #expect(fromFile.status == 0)
        #expect(fromFile.output.contains("\"kind\":\"postgres\""))
        #expect(!fromFile.output.contains(password))
        let fromEnvironment = try await Self.run(["stats"], environment: ["FAPIAO_CENTRAL_STORE": withPassword])
        #expect(fromEnvironment.status == 0)
        let withoutPassword = withPassword.replacingOccurrences(of: ":\(password)@", with: "@")
        let fromPGPASSWORD = try await Self.run(
            ["stats", "--store", withoutPassword],
            environment: ["PGPASSWORD": password]
        )
        #expect(fromPGPASSWORD.status == 0)
        let wrong = try await Self.run(["stats", "--store", withoutPassword], environment: ["PGPASSWORD": "nope"])
        #expect(wrong.status == 77)
    }
}
