import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import FapiaoExec
import FapiaoHTTP
import FapiaoJournal
import FapiaoPostgres
import FapiaoRemote
import Foundation

/// A problem with the remote's configuration or credentials.
struct RemoteSetupError: CategorizedError {
    var message: String
    var category: ErrorCategory
    var description: String { message }
}

/// `--remote URL` and `--token-file PATH`, shared by sync, status and reconcile: the
/// composition root that turns a ``RemoteLocation`` into its adapter.
enum RemoteConnection {
    /// The remote named by `url` (else the journal's): `http(s)://…` speaks the HTTP API;
    /// `sqlite:PATH` writes straight into a central SQLite store (one office, no service in
    /// between); `postgres://USER@HOST/DB` straight into a central PostgreSQL store, with the
    /// password from `$FAPIAO_TOKEN`, the token file or `$PGPASSWORD` (never from the URL,
    /// which is kept in the journal and shown in `ps`); `exec:PROGRAM ARGS` runs a program
    /// speaking Schema/exec-protocol.md, handing it the token in `$FAPIAO_TOKEN`.
    ///
    /// An `https://` remote's certificate is verified against the system's trust store, or
    /// against `caFile` (else the journal's `remote.caFile`) when one is given.
    static func open(
        url: String?,
        tokenFile: String?,
        caFile: String? = nil,
        journal: Journal,
        timeout: Duration? = nil
    ) async throws
        -> any RemoteAdapter
    {
        guard let url = url ?? journal.settings.remote, !url.isEmpty else {
            throw RemoteSetupError(
                message:
                    "No remote is configured for this journal; pass --remote URL (or create it with `fapiao init --remote URL`).",
                category: .usage
            )
        }
        let tokenFile = tokenFile ?? journal.settings.tokenFile
        let location = try RemoteLocation(url)
        if caFile != nil {
            guard case .http = location else {
                throw RemoteSetupError(
                    message: "--ca-file is for an https:// remote only; \(url.prefix(60)) is not one.",
                    category: .usage
                )
            }
        }
        switch location {
        case .http(let base):
            let trustedRoots = try trustedRoots(file: caFile ?? journal.settings.caFile)
            let token = try readToken(file: tokenFile)
            if token != nil, base.scheme == "http", !RemoteLocation.isLoopback(host: base.host ?? "") {
                throw RemoteSetupError(
                    message: "The token would cross the network in clear to \(base.absoluteString): use https:// "
                        + "(fapiao-central serve --tls-cert/--tls-key); plain http:// is for a centre on this machine only.",
                    category: .usage
                )
            }
            var timeouts = HTTPRemote.Timeouts()
            if let timeout {
                timeouts.connect = timeout
                timeouts.read = timeout
                timeouts.request = timeout
            }
            do {
                return try HTTPRemote(
                    baseURL: base.absoluteString,
                    token: token,
                    timeouts: timeouts,
                    trustedRoots: trustedRoots
                )
            } catch {
                throw RemoteSetupError(message: error.message, category: .usage)
            }
        case .sqlite(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw RemoteSetupError(
                    message:
                        "No central store at \(path); create it with `fapiao-central serve --store sqlite:\(path)`.",
                    category: .notFound
                )
            }
            let store = try SQLiteCentralStore(path: path, create: false)
            return StoreRemote(store: store, endpoint: "sqlite:\(path)")
        case .postgres(let text):
            let location = try postgresLocation(text)
            let password =
                try readToken(file: tokenFile)
                ?? ProcessEnvironment.value("PGPASSWORD").flatMap { $0.isEmpty ? nil : $0 }
            let store = try await PostgresCentralStore(
                location: location.with(password: password),
                create: false,
                maximumConnections: 2,
                leaseTimeout: timeout ?? .seconds(10),
                // `--timeout` is how long to wait for each answer: for a database, each call.
                operationTimeout: timeout ?? .seconds(30)
            )
            return StoreRemote(store: store, endpoint: location.redacted)
        case .exec(let program, let arguments):
            return ExecRemote(
                program: program,
                arguments: arguments,
                branch: journal.settings.node,
                token: try readToken(file: tokenFile),
                timeout: timeout ?? .seconds(30)
            )
        }
    }

    /// Checks a `--remote` location before anything is written: its form, and for a
    /// `postgres://` URL the libpq options.
    static func validate(_ url: String) throws {
        if case .postgres(let text) = try RemoteLocation(url) {
            _ = try postgresLocation(text)
        }
    }

    /// A `postgres://` remote as a branch names it: a URL without a password.
    static func postgresLocation(_ url: String) throws -> PostgresLocation {
        let location: PostgresLocation
        do {
            location = try PostgresLocation(url: url, applicationName: "fapiao")
        } catch {
            throw RemoteSetupError(message: error.message, category: .usage)
        }
        guard !location.hasPassword else {
            throw RemoteSetupError(
                message: "The remote URL carries a password, which the journal and `ps` would show; "
                    + "remove it and give the password in a 0600 --token-file, $FAPIAO_TOKEN or $PGPASSWORD.",
                category: .usage
            )
        }
        return location
    }

    /// Runs `body` with `remote`, then shuts the remote down whether `body` returned or threw
    /// (an HTTP client must be shut down before it is released, a program told to end).
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

    /// The roots an `https://` remote must chain to: the CA file's, else the system's.
    static func trustedRoots(file: String?) throws -> TrustedRoots {
        guard let file else { return .system }
        do {
            return try TrustedRoots(pemFile: file)
        } catch {
            throw RemoteSetupError(message: error.message, category: error.category)
        }
    }

    /// The branch's bearer token: `$FAPIAO_TOKEN`, else the token file.
    ///
    /// The file must be readable by its owner only. The token is never written to the
    /// journal or the audit.
    static func readToken(file: String?) throws -> String? {
        if let token = ProcessEnvironment.value("FAPIAO_TOKEN"), !token.isEmpty { return token }
        guard let file else { return nil }
        return try SecretFile.read(file, what: "Token file")
    }
}
