import FapiaoCentralStore
import FapiaoCore
import FapiaoPostgres
import FapiaoRemote
import FapiaoTesting
import Foundation
import Schema
import Testing

/// What only the PostgreSQL store has to get right: opening a database it shares with other
/// instances, its change feed under concurrent transactions, and connections that break.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "FAPIAO_TEST_POSTGRES_URL is not set; run Tools/test"))
struct PostgresCentralStoreTests {
    let fixture: CentralFixture
    let location: PostgresLocation

    init() async throws {
        fixture = try await CentralFixture(.postgres)
        location = try #require(fixture.store as? PostgresCentralStore).location
    }

    func open(node: String = "central", create: Bool = true) async throws -> PostgresCentralStore {
        try await PostgresCentralStore(location: location, node: node, create: create, maximumConnections: 2)
    }

    func scalar(_ sql: String) async throws -> String? {
        try await PostgresTestServer.scalar(sql, database: location.database)
    }

    func execute(_ sql: String) async throws {
        try await PostgresTestServer.admin(sql, database: location.database)
    }

    @Test func instancesOpeningTogetherApplyEachMigrationOnceAndShareTheStore() async throws {
        let invoice = try fixture.invoice(1)
        #expect(try await fixture.push([fixture.create(invoice)]) == [.accepted])
        let stores = try await withThrowingTaskGroup(of: PostgresCentralStore.self) { group in
            for _ in 0..<4 { group.addTask { try await open() } }
            var stores: [PostgresCentralStore] = []
            for try await store in group { stores.append(store) }
            return stores
        }
        for store in stores {
            #expect(try await store.lookup([invoice.id]).found.map(\.invoice) == [invoice])
            try await store.close()
        }
        #expect(
            try await scalar("SELECT count(*)::text FROM central_migration") == String(Schema.postgresCentral.count)
        )
    }

    @Test func anotherNodeIdIsRefused() async throws {
        let error = await centralStoreError { try await open(node: "hq-2") }
        #expect(error?.code == .nodeMismatch)
        #expect(error?.message.contains("\"central\"") == true)
    }

    @Test func aDatabaseWithOtherTablesIsRefusedAndLeftUnchanged() async throws {
        let other = try await PostgresTestServer.newDatabase()
        try await PostgresTestServer.admin("CREATE TABLE ledger (id int)", database: other.database)
        let error = await centralStoreError { try await PostgresCentralStore(location: other) }
        #expect(error?.code == .notACentralStore)
        #expect(error?.message.contains("ledger") == true)
        let tables = try await PostgresTestServer.scalar(
            "SELECT string_agg(table_name::text, ',') FROM information_schema.tables WHERE table_schema = 'public'",
            database: other.database
        )
        #expect(tables == "ledger")
    }

    @Test func anEmptyDatabaseIsAStoreOnlyWhenAskedAndAMissingOneIsNotFound() async throws {
        let empty = try await PostgresTestServer.newDatabase()
        let refused = await centralStoreError { try await PostgresCentralStore(location: empty, create: false) }
        #expect(refused?.code == .notFound)
        let missing = await centralStoreError {
            try await PostgresCentralStore(location: empty.with(database: "fapiao_no_such_database"))
        }
        #expect(missing?.code == .notFound)
    }

    @Test func aStoreANewerFapiaoMigratedIsRefused() async throws {
        try await execute("INSERT INTO central_migration (id) VALUES ('pg_9999_from_the_future')")
        let error = await centralStoreError { try await open() }
        #expect(error?.code == .newerVersion)
    }

    @Test func aWrongPasswordIsRefusedWithoutPrintingIt() async throws {
        let error = await centralStoreError {
            try await PostgresCentralStore(location: location.with(password: "not-the-password-42"))
        }
        #expect(error?.code == .authenticationRefused)
        #expect(error?.message.contains("not-the-password-42") == false)
    }

    @Test func aServerThatIsNotThereIsUnreachable() async throws {
        var nowhere = location
        nowhere.port = try RawHTTP.closedPort()
        let error = await centralStoreError { try await PostgresCentralStore(location: nowhere) }
        #expect(error?.code == .unreachable)
    }

    @Test func theFeedNeverPassesAChangeThatCommitsLater() async throws {
        let a = try fixture.invoice(1)
        let b = try fixture.invoice(2)
        #expect(try await fixture.push([fixture.create(a)]) == [.accepted])
        let first = try await fixture.changes(branch: CentralFixture.branch, since: 0, limit: 10, scope: .all)
        #expect(first.changes.map(\.version.invoice.id) == [a.id])

        // A slow writer: its transaction started (and took its id) before B's push, and
        // commits after it.
        let slow = try await PostgresTestServer.Session.open(database: location.database)
        try await slow.execute("BEGIN")
        try await slow.execute(
            """
            UPDATE central_invoice SET change_seq = (pg_current_xact_id()::text::bigint << 20), changed_by = 'central'
            WHERE id = '\(a.id.uuidString)'
            """
        )
        #expect(try await fixture.push([fixture.create(b)]) == [.accepted])
        let held = try await fixture.store.changes(
            branch: CentralFixture.branch,
            since: first.cursor,
            limit: 10,
            scope: .all
        )
        #expect(held.changes.isEmpty, "B's change was listed while an older transaction was still open")
        try await slow.execute("COMMIT")
        try await slow.close()

        let after = try await fixture.changes(
            branch: CentralFixture.branch,
            since: first.cursor,
            limit: 10,
            scope: .all
        )
        #expect(after.changes.map(\.version.invoice.id) == [a.id, b.id])
        #expect(after.changes.map(\.sequence) == after.changes.map(\.sequence).sorted())
    }

    @Test func aConnectionKilledWhileCommittingLeavesTheBatchInDoubtAndTheReplayLandsOnce() async throws {
        // Commits pause in a deferred trigger, so the test can terminate the backend mid-commit.
        try await execute(
            """
            CREATE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS
            'BEGIN PERFORM pg_sleep(60); RETURN NULL; END'
            """
        )
        try await execute(
            """
            CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT ON central_operation
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_slow_commit()
            """
        )
        let batch = try (1...3).map { fixture.create(try fixture.invoice(UInt64($0))) }
        let store = fixture.store
        let push = Task { try await store.push(batch, from: CentralFixture.branch) }
        var terminated = false
        for _ in 0..<200 where !terminated {
            try await Task.sleep(for: .milliseconds(50))
            terminated =
                try await scalar(
                    """
                    SELECT bool_or(pg_terminate_backend(pid))::text FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event = 'PgSleep'
                    """
                ) == "true"
        }
        #expect(terminated)
        let error = await centralStoreError { try await push.value }
        #expect(error?.code == .inDoubt)
        try await execute("DROP TRIGGER test_slow_commit ON central_operation")

        // The replay of the same operations: applied now, then duplicates; each invoice once.
        #expect(try await fixture.push(batch) == Array(repeating: .accepted, count: 3))
        #expect(try await fixture.push(batch) == Array(repeating: .duplicate, count: 3))
        #expect(try await store.invoiceCount() == 3)
        #expect(try await scalar("SELECT count(*)::text FROM central_operation") == "3")
    }

    @Test func pooledConnectionsTheServerTerminatedAreNotWaitedOnForever() async throws {
        var location = self.location
        location.applicationName = "fapiao-terminated-\(UUID().uuidString.prefix(8))"
        let store = try await PostgresCentralStore(location: location, maximumConnections: 2)
        let first = try (1...5).map { fixture.create(try fixture.invoice(UInt64($0))) }
        #expect(
            try await store.push(first, from: CentralFixture.branch).map(\.outcome)
                == Array(repeating: .accepted, count: 5)
        )
        // The server ends the store's idle connections (a restart, an administrator).
        try await execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(location.applicationName)'"
        )
        try await Task.sleep(for: .milliseconds(200))
        let second = try (6...10).map { fixture.create(try fixture.invoice(UInt64($0))) }
        // Answered at once: accepted on a new connection, or refused as unreachable (nothing applied).
        var outcomes: [PushOutcome]?
        for _ in 0..<3 where outcomes == nil {
            do {
                outcomes = try await store.push(second, from: CentralFixture.branch).map(\.outcome)
            } catch let error as CentralStoreError where error.code == .unreachable {
                continue
            }
        }
        #expect(outcomes == Array(repeating: .accepted, count: 5))
        #expect(try await store.invoiceCount() == 10)
        try await store.close()
    }

    @Test func aCallOutlivingTheOperationTimeoutIsInDoubtAndTheReplayLandsOnce() async throws {
        let store = try await PostgresCentralStore(location: location, operationTimeout: .seconds(1))
        // Another session holds the invoice table, so the push waits inside its transaction.
        let blocker = try await PostgresTestServer.Session.open(database: location.database)
        try await blocker.execute("BEGIN")
        try await blocker.execute("LOCK TABLE central_invoice IN EXCLUSIVE MODE")
        let batch = try (1...3).map { fixture.create(try fixture.invoice(UInt64($0))) }
        let error = await centralStoreError { try await store.push(batch, from: CentralFixture.branch) }
        #expect(error?.code == .inDoubt)
        // The abandoned transaction goes on once the lock is released, and commits.
        try await blocker.execute("COMMIT")
        try await blocker.close()
        var replay: [PushOutcome] = []
        for _ in 0..<50 {
            replay = try await fixture.push(batch)
            if replay.allSatisfy({ $0 == .duplicate }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(replay == Array(repeating: .duplicate, count: 3))
        #expect(try await store.invoiceCount() == 3)
        #expect(try await scalar("SELECT count(*)::text FROM central_operation") == "3")
        try await store.close()
    }

    @Test func twoInstancesRacingForTheSameNumbersGiveEachNumberToOneInvoice() async throws {
        let second = try await open()
        let fixture = self.fixture
        let count = 120
        // bj-01 and bj-02 type the same 120 numbers, each through its own instance, in batches of 10.
        let pushes = try await withThrowingTaskGroup(of: [PushOutcome].self) { group in
            for (index, store) in [fixture.store, second as any CentralStore].enumerated() {
                let branch = index == 0 ? CentralFixture.branch : CentralFixture.otherBranch
                let operations = try (1...count).map { number in
                    fixture.create(try fixture.invoice(UInt64(index * 1000 + number), number: number, branch: branch))
                }
                group.addTask {
                    var outcomes: [PushOutcome] = []
                    for start in stride(from: 0, to: count, by: 10) {
                        outcomes += try await store.push(Array(operations[start..<start + 10]), from: branch).map(
                            \.outcome
                        )
                    }
                    return outcomes
                }
            }
            var all: [PushOutcome] = []
            for try await outcomes in group { all += outcomes }
            return all
        }
        try await second.close()
        #expect(pushes.filter { $0 == .accepted }.count == count)
        #expect(pushes.filter { $0.name == "conflict" }.count == count)
        for case .conflict(let kind, let remote) in pushes {
            #expect(kind == .duplicateNumber)
            // The conflict names the invoice that holds the number now.
            #expect(try await fixture.current(remote.invoice.id) == remote)
        }
        #expect(try await fixture.store.invoiceCount() == Int64(count))
        #expect(
            try await scalar("SELECT count(DISTINCT (seller_tax_id, code, number))::text FROM central_invoice")
                == String(count)
        )
    }
}
