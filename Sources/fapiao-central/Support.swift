import ArgumentParser
import FapiaoCentral
import FapiaoCore
import FapiaoPostgres
import Foundation
import Logging

/// The documented exit codes (BSD sysexits), in one place.
enum ExitStatus {
    static let usage: Int32 = 64
    static let invalidData: Int32 = 65
    static let notFound: Int32 = 66
    static let unavailable: Int32 = 69
    static let damaged: Int32 = 70
    static let alreadyExists: Int32 = 73
    static let ioError: Int32 = 74
    static let permission: Int32 = 77
    static let configuration: Int32 = 78

    /// The exit code for an error a command could not handle.
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as CentralServiceError:
            switch error.code {
            case .tokensFileNotFound: notFound
            case .tokensFileTooOpen: permission
            case .tokensFileMalformed: configuration
            case .tokensFileInaccessible: ioError
            case .nodeAlreadyHasToken: alreadyExists
            case .cannotListen: unavailable
            case .invalidNode, .invalidFaultSpec: usage
            default: damaged
            }
        case let error as CentralStoreError:
            switch error.code {
            case .notFound, .invoiceNotFound: notFound
            case .notACentralStore, .newerVersion, .nodeMismatch: configuration
            case .invalidEdit: invalidData
            case .unavailable: ioError
            case .unreachable, .inDoubt: unavailable
            case .invalidLocation: usage
            case .authenticationRefused: permission
            default: damaged
            }
        default:
            damaged
        }
    }
}

/// Runs a command body, printing any error as one line on standard error and exiting with its code.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode(ExitStatus.code(for: error))
    }
}

/// Writes one line to standard error, prefixed `fapiao-central: `.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("fapiao-central: \(message)\n".utf8))
}

/// Writes one line to standard output, at once (scripts wait for it).
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

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
        guard TokenRegistry.isValidNode(node) else {
            throw ValidationError("--node must be 1 to 64 letters, digits, '.', '_' or '-', e.g. central.")
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
        ProcessInfo.processInfo.environment["FAPIAO_CENTRAL_STORE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The store's location, from the option, the file or the environment.
    func location() throws -> Location {
        if let store { return try Self.parse(store, onCommandLine: true) }
        if let storeFile {
            do {
                return try Self.parse(try SecretFile.read(storeFile, what: "Store file"), onCommandLine: false)
            } catch let error as SecretFile.Failure {
                throw CentralServiceError(
                    error.kind == .tooOpen ? .tokensFileTooOpen : .tokensFileNotFound,
                    error.message
                )
            }
        }
        if let url = Self.environmentURL { return try Self.parse(url, onCommandLine: false) }
        throw ValidationError("Give the store with --store, --store-file or $FAPIAO_CENTRAL_STORE.")
    }

    private static func parse(_ url: String, onCommandLine: Bool) throws -> Location {
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw ValidationError("--store sqlite: needs a path, e.g. sqlite:/srv/fapiao/central.sqlite.")
            }
            return .sqlite(path: path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            var location: PostgresLocation
            do {
                location = try PostgresLocation(url: url, applicationName: "fapiao-central")
            } catch {
                throw ValidationError(error.message)
            }
            if location.hasPassword {
                guard !onCommandLine else {
                    throw ValidationError(
                        "The --store URL carries a password, which `ps` shows to every user; remove it and put the "
                            + "password in $PGPASSWORD, or the whole URL in a 0600 --store-file or $FAPIAO_CENTRAL_STORE."
                    )
                }
            } else if let password = ProcessInfo.processInfo.environment["PGPASSWORD"], !password.isEmpty {
                location.password = password
            }
            return .postgres(location)
        }
        throw ValidationError(
            "--store must be sqlite:PATH or postgres://USER@HOST/DB, e.g. sqlite:/srv/fapiao/central.sqlite."
        )
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
}

/// `--tokens FILE`, else `$FAPIAO_CENTRAL_TOKENS`.
struct TokensOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The tokens file, mode 0600 (default: $FAPIAO_CENTRAL_TOKENS).",
            valueName: "file"
        )
    )
    var tokens: String?

    func path() throws -> String {
        if let tokens, !tokens.isEmpty { return tokens }
        if let path = ProcessInfo.processInfo.environment["FAPIAO_CENTRAL_TOKENS"], !path.isEmpty { return path }
        throw ValidationError("Give the tokens file with --tokens FILE or $FAPIAO_CENTRAL_TOKENS.")
    }
}

/// `--as NAME`: who makes an HQ change.
struct ActorOptions: ParsableArguments {
    @Option(
        name: .customLong("as"),
        help: ArgumentHelp("Who makes the change (default: $USER, else the centre's node id).", valueName: "name")
    )
    var actor: String?

    func actor(default node: String) -> String {
        if let actor, !actor.isEmpty { return actor }
        if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
        return node
    }
}

/// `--format text|json`.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
