import ArgumentParser
import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import FapiaoPostgres
import FapiaoRemote
import Foundation
import Logging

/// `--store URL` (or `--store-file FILE`, or `$FAPIAO_CENTRAL_STORE`) and `--node ID`, shared by
/// every command that opens the store.
///
/// A `postgres://` URL on the command line must carry no password (`ps` shows every argument);
/// the password then comes from `$PGPASSWORD`. A URL in a 0600 `--store-file` or in
/// `$FAPIAO_CENTRAL_STORE` may carry it.
struct StoreOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The central store: sqlite:PATH or postgres://USER@HOST[:PORT]/DB[?sslmode=MODE] "
                + "(default: $FAPIAO_CENTRAL_STORE).",
            valueName: "url"
        )
    )
    var store: String?

    @Option(
        name: .customLong("store-file"),
        help: ArgumentHelp("A file, mode 0600, holding the store URL (it may carry a password).", valueName: "file")
    )
    var storeFile: String?

    @Option(help: ArgumentHelp("The centre's node id in vector clocks; HQ's token is this node's.", valueName: "id"))
    var node: String = "central"

    func validate() throws {
        // The centre's own node: a store made by an earlier version may hold it in a wider form.
        guard NodeName.isCentreNode(node) else {
            throw ValidationError(NodeNameError(name: node, field: "--node").message)
        }
        guard store == nil || storeFile == nil else {
            throw ValidationError("Give the store with --store or --store-file, not both.")
        }
        if let store {
            _ = try Self.parse(store, onCommandLine: true)
        } else if storeFile == nil, Self.environmentURL == nil {
            throw ValidationError(
                "Give the store with --store sqlite:PATH, --store postgres://USER@HOST/DB, --store-file FILE or "
                    + "$FAPIAO_CENTRAL_STORE."
            )
        }
    }

    /// A store named by its URL.
    enum Location {
        case sqlite(path: String)
        case postgres(PostgresLocation)

        /// The URL as it may be printed: never with a password.
        var display: String {
            switch self {
            case .sqlite(let path): "sqlite:\(path)"
            case .postgres(let location): location.redacted
            }
        }
    }

    private static var environmentURL: String? {
        ProcessEnvironment.value("FAPIAO_CENTRAL_STORE").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The store's location, from the option, the file or the environment.
    func location() throws -> Location {
        if let store { return try Self.parse(store, onCommandLine: true) }
        if let storeFile {
            return try Self.parse(try SecretFile.read(storeFile, what: "Store file"), onCommandLine: false)
        }
        if let url = Self.environmentURL { return try Self.parse(url, onCommandLine: false) }
        throw ValidationError("Give the store with --store, --store-file or $FAPIAO_CENTRAL_STORE.")
    }

    /// Reads a store location with the one location parser (``RemoteLocation``); only a URL
    /// from a 0600 file or the environment may carry a password.
    private static func parse(_ url: String, onCommandLine: Bool) throws -> Location {
        let location: RemoteLocation
        do {
            location = try RemoteLocation(url, source: onCommandLine ? .argument : .secretFile, what: "--store")
        } catch {
            throw ValidationError(
                error.message.contains("password")
                    ? "The --store URL carries a password, which `ps` shows to every user; remove it and put the "
                        + "password in $PGPASSWORD, or the whole URL in a 0600 --store-file or $FAPIAO_CENTRAL_STORE."
                    : error.message
            )
        }
        switch location {
        case .sqlite(let path):
            return .sqlite(path: path)
        case .postgres(let text):
            var postgres: PostgresLocation
            do {
                postgres = try PostgresLocation(url: text, applicationName: "fapiao-central")
            } catch {
                throw ValidationError(error.message)
            }
            if !postgres.hasPassword, let password = ProcessEnvironment.value("PGPASSWORD"),
                !password.isEmpty
            {
                postgres.password = password
            }
            return .postgres(postgres)
        case .http, .exec:
            throw ValidationError(
                "--store must be sqlite:PATH or postgres://USER@HOST/DB, e.g. sqlite:/srv/fapiao/central.sqlite."
            )
        }
    }

    /// Opens the store.
    ///
    /// - Parameters:
    ///   - create: whether a missing store is created (serve) or refused (the HQ tools).
    ///   - policy: the centre's rules beyond the branches'.
    ///   - logger: where the PostgreSQL connection pool reports, for `serve`.
    /// - Returns: the store.
    /// - Throws: ``CentralStoreError`` when the store cannot be opened or created.
    func open(
        create: Bool,
        policy: CentralPolicy = .standard,
        logger: Logger = Logger(label: "fapiao-central", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> any CentralStore {
        switch try location() {
        case .sqlite(let path):
            return try SQLiteCentralStore(path: path, node: node, policy: policy, create: create)
        case .postgres(let location):
            return try await PostgresCentralStore(
                location: location,
                node: node,
                policy: policy,
                create: create,
                maximumConnections: 16,
                logger: logger
            )
        }
    }

    /// Opens the existing store, runs `body` on it and closes it, whatever `body` does.
    func withStore<T>(_ body: (any CentralStore) async throws -> T) async throws -> T {
        let store = try await open(create: false)
        let result: T
        do {
            result = try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        return result
    }
}
