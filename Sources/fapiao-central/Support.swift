import ArgumentParser
import FapiaoCentral
import FapiaoCore
import Foundation

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

/// `--store sqlite:PATH` and `--node ID`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The central store: sqlite:PATH.", valueName: "url"))
    var store: String

    @Option(help: ArgumentHelp("The centre's node id in vector clocks; HQ's token is this node's.", valueName: "id"))
    var node: String = "central"

    func validate() throws {
        _ = try sqlitePath()
        guard TokenRegistry.isValidNode(node) else {
            throw ValidationError("--node must be 1 to 64 letters, digits, '.', '_' or '-', e.g. central.")
        }
    }

    /// The path of an `sqlite:` store.
    func sqlitePath() throws -> String {
        if store.hasPrefix("sqlite:") {
            let path = String(store.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw ValidationError("--store sqlite: needs a path, e.g. sqlite:/srv/fapiao/central.sqlite.")
            }
            return path
        }
        if store.hasPrefix("postgres://") || store.hasPrefix("postgresql://") {
            throw ValidationError("PostgreSQL stores are not supported by this build yet; use --store sqlite:PATH.")
        }
        throw ValidationError("--store must be sqlite:PATH, e.g. sqlite:/srv/fapiao/central.sqlite.")
    }

    /// Opens the store.
    ///
    /// - Parameters:
    ///   - create: whether a missing store is created (serve) or refused (the HQ tools).
    ///   - policy: the centre's rules beyond the branches'.
    /// - Returns: the store.
    /// - Throws: ``CentralStoreError`` when the store cannot be opened or created.
    func open(create: Bool, policy: CentralPolicy = .standard) throws -> any CentralStore {
        try SQLiteCentralStore(path: try sqlitePath(), node: node, policy: policy, create: create)
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
