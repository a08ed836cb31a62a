import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoExec
import FapiaoHTTP
import FapiaoPostgres
import FapiaoRemote
import FapiaoTesting
import Foundation
import Logging
import Testing

/// A remote under test: adapters for any branch, and HQ's own edits at the centre behind it.
struct AdapterUnderTest: Sendable {
    /// The adapter a branch syncs through (HTTP needs one per branch: the token names it).
    let remote: @Sendable (_ branch: String) async throws -> any RemoteAdapter
    /// HQ voids or amends an invoice at the centre, ticking the centre's clock entry.
    let edit: @Sendable (_ invoice: UUID, _ change: CentralEdit.Change) async throws -> Void
    /// Stops whatever the adapter needed (a service, a store's connections).
    let close: @Sendable () async -> Void
}

/// A way to set up a fresh, empty centre and the adapter in front of it: every case of the
/// ``RemoteAdapterConformanceTests`` runs once per factory.
struct AdapterFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable (_ directory: TemporaryDirectory) async throws -> AdapterUnderTest

    var testDescription: String { name }

    /// A branch writing straight into a central SQLite store.
    static let sqlite = AdapterFactory(name: "sqlite") { directory in
        let store = try SQLiteCentralStore(path: directory.file("central.sqlite"))
        return storeAdapter(store, endpoint: "sqlite:\(directory.file("central.sqlite"))")
    }

    /// A branch writing straight into a central PostgreSQL store (a database of its own).
    static let postgres = AdapterFactory(name: "postgres") { _ in
        let store = try await PostgresCentralStore(location: try await PostgresTestServer.newDatabase())
        return storeAdapter(store, endpoint: "postgres")
    }

    /// The central service over loopback HTTP (Hummingbird, a SQLite store, per-branch tokens).
    static let http = AdapterFactory(name: "http") { directory in
        let store = try SQLiteCentralStore(path: directory.file("central.sqlite"))
        let tokensPath = directory.file("tokens")
        var tokens: [String: String] = [:]
        for node in ["bj-01", "bj-02"] {
            tokens[node] = try TokenRegistry.addToken(for: node, toFileAt: tokensPath)
        }
        let service = CentralService(
            store: store,
            tokens: try TokenRegistry.load(path: tokensPath),
            logger: Logger(label: "central", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let running = try await service.start()
        let tokenTable = tokens
        return AdapterUnderTest(
            remote: { branch in try HTTPRemote(baseURL: running.url, token: tokenTable[branch]) },
            edit: { id, change in _ = try await store.edit(id, hqEdit(change)) },
            close: {
                await running.stop()
                try? await store.close()
            }
        )
    }

    /// A site's program over `exec:`: the reference program keeping its store in a file.
    static let exec = AdapterFactory(name: "exec") { directory in
        let store = directory.file("exec-central.sqlite")
        return AdapterUnderTest(
            remote: { branch in
                ExecRemote(
                    program: ReferenceProgram.path,
                    arguments: [store, "--create"],
                    branch: branch,
                    token: nil,
                    timeout: .seconds(20)
                )
            },
            edit: { id, change in
                switch change {
                case .void(let reason):
                    try ReferenceProgram.run([store, "void", id.uuidString, "--reason", reason])
                case .amend(let fields):
                    try ReferenceProgram.run([store, "amend", id.uuidString, "--note", fields["note"] ?? ""])
                }
            },
            close: {}
        )
    }

    /// Every adapter the suite checks; a new adapter is one more entry.
    static let all: [AdapterFactory] =
        PostgresTestServer.isConfigured ? [.http, .sqlite, .postgres, .exec] : [.http, .sqlite, .exec]

    private static func storeAdapter(_ store: any CentralStore, endpoint: String) -> AdapterUnderTest {
        AdapterUnderTest(
            remote: { _ in StoreRemote(store: store, endpoint: endpoint) },
            edit: { id, change in _ = try await store.edit(id, hqEdit(change)) },
            close: { try? await store.close() }
        )
    }

    private static func hqEdit(_ change: CentralEdit.Change) -> CentralEdit {
        CentralEdit(
            change,
            actor: "总部",
            at: UTCTimestamp(millisecondsSinceEpoch: 1_764_000_000_000),
            operationID: UUID()
        )
    }
}

/// `Tools/exec/fapiao-file-remote`, the reference `exec:` program.
enum ReferenceProgram {
    static var path: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tools/exec/fapiao-file-remote").path
    }

    /// Runs the program with `arguments` (HQ's edits) and checks it succeeded.
    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CentralStoreError(.invalidEdit, String(decoding: said, as: UTF8.self))
        }
    }
}
