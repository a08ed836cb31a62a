import FapiaoCentral
import FapiaoCore
import FapiaoHTTP
import FapiaoJournal
import FapiaoPostgres
import FapiaoSync
import Foundation

/// A problem with the remote's configuration or credentials, with its exit code.
struct RemoteSetupError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32
    var description: String { message }
}

/// `--remote URL` and `--token-file PATH`, shared by sync and status.
enum RemoteConnection {
    /// The remote named by `url`: `http(s)://…` speaks the HTTP API; `sqlite:PATH` writes
    /// straight into a central SQLite store (one office, no service in between);
    /// `postgres://USER@HOST/DB` straight into a central PostgreSQL store, with the password
    /// from `$FAPIAO_TOKEN`, the token file or `$PGPASSWORD` (never from the URL, which is
    /// kept in the journal and shown in `ps`).
    static func open(
        url: String?,
        tokenFile: String?,
        journal: Journal,
        timeout: Duration? = nil
    ) async throws
        -> any RemoteAdapter
    {
        guard let url = url ?? journal.settings.remote, !url.isEmpty else {
            throw RemoteSetupError(
                message:
                    "No remote is configured for this journal; pass --remote URL (or create it with `fapiao init --remote URL`).",
                exitCode: ExitStatus.usage
            )
        }
        if url.hasPrefix("http://") || url.hasPrefix("https://") {
            let token = try readToken(file: tokenFile ?? journal.settings.tokenFile)
            var timeouts = HTTPRemote.Timeouts()
            if let timeout {
                timeouts.connect = timeout
                timeouts.read = timeout
                timeouts.request = timeout
            }
            do {
                return try HTTPRemote(baseURL: url, token: token, timeouts: timeouts)
            } catch {
                throw RemoteSetupError(message: error.message, exitCode: ExitStatus.usage)
            }
        }
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard FileManager.default.fileExists(atPath: path) else {
                throw RemoteSetupError(
                    message:
                        "No central store at \(path); create it with `fapiao-central serve --store sqlite:\(path)`.",
                    exitCode: ExitStatus.notFound
                )
            }
            let store = try SQLiteCentralStore(path: path, create: false)
            return StoreRemote(store: store, endpoint: url)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let location = try postgresLocation(url)
            let password =
                try readToken(file: tokenFile ?? journal.settings.tokenFile)
                ?? ProcessInfo.processInfo.environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
            let store = try await PostgresCentralStore(
                location: location.with(password: password),
                create: false,
                maximumConnections: 2,
                leaseTimeout: timeout ?? .seconds(10)
            )
            return StoreRemote(store: store, endpoint: location.redacted)
        }
        throw RemoteSetupError(
            message: "remote \"\(url)\" must start with http://, https://, sqlite: or postgres://.",
            exitCode: ExitStatus.usage
        )
    }

    /// A `postgres://` remote as a branch names it: a URL without a password.
    static func postgresLocation(_ url: String) throws -> PostgresLocation {
        let location: PostgresLocation
        do {
            location = try PostgresLocation(url: url, applicationName: "fapiao")
        } catch {
            throw RemoteSetupError(message: error.message, exitCode: ExitStatus.usage)
        }
        guard !location.hasPassword else {
            throw RemoteSetupError(
                message: "The remote URL carries a password, which the journal and `ps` would show; "
                    + "remove it and give the password in a 0600 --token-file, $FAPIAO_TOKEN or $PGPASSWORD.",
                exitCode: ExitStatus.usage
            )
        }
        return location
    }

    /// Runs `body` with `remote`, then shuts the remote down whether `body` returned or threw
    /// (an HTTP client must be shut down before it is released).
    static func using<T>(_ remote: any RemoteAdapter, _ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await remote.shutdown()
            return result
        } catch {
            await remote.shutdown()
            throw error
        }
    }

    /// The branch's bearer token: `$FAPIAO_TOKEN`, else the token file.
    ///
    /// The file must be readable by its owner only. The token is never written to the
    /// journal or the audit.
    static func readToken(file: String?) throws -> String? {
        if let token = ProcessInfo.processInfo.environment["FAPIAO_TOKEN"], !token.isEmpty { return token }
        guard let file else { return nil }
        return try readTokenFile(file)
    }

    /// The token in `file`, refusing a file that others can read.
    static func readTokenFile(_ file: String) throws -> String {
        do {
            return try SecretFile.read(file, what: "Token file")
        } catch {
            switch error.kind {
            case .notFound: throw RemoteSetupError(message: error.message, exitCode: ExitStatus.notFound)
            default: throw RemoteSetupError(message: error.message, exitCode: ExitStatus.permission)
            }
        }
    }
}
