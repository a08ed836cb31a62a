import AsyncHTTPClient
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A ``RemoteAdapter`` speaking the HTTP API of Schema/openapi.yaml (`fapiao-central` or any
/// server that implements it), over one AsyncHTTPClient connection pool.
///
/// Failures are classified by what they mean for the operations sent (``RemoteError``): a
/// request that could not connect was never seen (`unreachable`); one whose connection broke
/// or timed out after it was sent, or that got 500/502/504 or a truncated answer, may have
/// been applied (`inDoubt`); 503 and 429 are `busy` with the `Retry-After` the remote gave;
/// 401 and 403 are refusals of the token; anything else the client cannot use is a
/// `protocolViolation`. Redirects are not followed, so the token goes only where it was meant.
///
/// An `https://` remote's certificate is verified against ``TrustedRoots`` (the system's trust
/// store unless a CA file is given), name included; one that fails is `untrustedCertificate`,
/// with the cause when it can be told (untrusted issuer, name mismatch, expired), and nothing
/// is sent. A URL whose scheme does not match what answers (`http://` to a TLS port, `https://`
/// to a plain one) is `wrongScheme`.
///
/// The token is never written to a message or a log line. Call ``shutdown()`` when done: the
/// client's connections are not released otherwise.
public final class HTTPRemote: RemoteAdapter {
    /// How long to wait for the remote.
    public struct Timeouts: Hashable, Sendable {
        /// Establishing a connection.
        public var connect: Duration
        /// Waiting for the next bytes of an answer.
        public var read: Duration
        /// One request from start to finish, however the bytes trickle.
        public var request: Duration

        public init(connect: Duration = .seconds(5), read: Duration = .seconds(60), request: Duration = .seconds(600)) {
            self.connect = connect
            self.read = read
            self.request = request
        }
    }

    /// The base URL, without a trailing slash: `http://127.0.0.1:8080`.
    public let endpoint: String
    /// Whether the URL is `https://`.
    let secure: Bool
    /// The host and port the URL names, for the TLS diagnosis after a failure.
    let host: String
    let port: Int
    /// The certificate authorities an `https://` remote must chain to.
    let trustedRoots: TrustedRoots
    let authorization: Secret?
    let timeouts: Timeouts
    let client: HTTPClient
    let logger: Logger
    let maximumAnswerSize = 256 << 20

    /// A logger that drops everything, for callers that have none.
    public static let silentLogger = Logger(label: "fapiao.http", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Creates the adapter; no connection is made until the first call.
    ///
    /// - Parameters:
    ///   - baseURL: `http://HOST:PORT` or `https://HOST[:PORT][/PREFIX]`, without credentials.
    ///   - token: the branch's bearer token, or `nil` to send none.
    ///   - timeouts: connect, read and whole-request timeouts.
    ///   - trustedRoots: the certificate authorities an `https://` remote must chain to.
    ///   - logger: where requests are logged at debug level (method, path, status), never the token.
    /// - Throws: ``RemoteError`` `.protocolViolation` when the URL or the token cannot be used.
    public init(
        baseURL: String,
        token: String?,
        timeouts: Timeouts = Timeouts(),
        trustedRoots: TrustedRoots = .system,
        logger: Logger = HTTPRemote.silentLogger
    ) throws(RemoteError) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty, url.user == nil, url.password == nil, url.query == nil,
            url.fragment == nil
        else {
            throw RemoteError(
                .protocolViolation,
                "The remote URL \"\(baseURL)\" is not an http:// or https:// URL without credentials; "
                    + "use e.g. http://127.0.0.1:8080."
            )
        }
        if let token {
            guard !token.isEmpty, token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
                throw RemoteError(
                    .protocolViolation,
                    "The token for \(base) holds spaces, line breaks or non-ASCII characters; give the token exactly as issued."
                )
            }
        }
        endpoint = base
        secure = scheme == "https"
        self.host = host
        port = url.port ?? (scheme == "https" ? 443 : 80)
        self.trustedRoots = trustedRoots
        authorization = token.map { Secret("Bearer \($0)") }
        self.timeouts = timeouts
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: timeouts.connect.timeAmount, read: timeouts.read.timeAmount)
        configuration.redirectConfiguration = .disallow
        configuration.tlsConfiguration = trustedRoots.clientConfiguration
        // The sync engine retries with its own backoff; a refused connection should say so at once.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: configuration,
            backgroundActivityLogger: HTTPRemote.silentLogger
        )
    }

    // MARK: RemoteAdapter

    public func health() async throws -> HealthReport {
        let json = try await call(.GET, "/v1/health", action: "report its health")
        return try decode("its health") { () throws(WireError) in try HealthReport(json: json) }
    }

    public func push(_ operations: [StoredOperation], branch: String) async throws -> [OperationOutcome] {
        guard !operations.isEmpty else { return [] }
        let body = WireFormat.pushRequestBytes(branch: branch, operations: operations)
        let json = try await call(.POST, "/v1/push", bytes: body, action: "answer the push")
        let outcomes = try decode("the push") { () throws(WireError) in try WireFormat.outcomes(from: json) }
        guard outcomes.count <= operations.count,
            zip(outcomes, operations).allSatisfy({ $0.operationID == $1.id })
        else {
            throw RemoteError(
                .protocolViolation,
                "\(endpoint) answered the push with outcomes that do not match the operations sent, in order."
            )
        }
        return outcomes
    }

    public func lookup(_ ids: [UUID]) async throws -> InvoiceLookup {
        guard !ids.isEmpty else { return InvoiceLookup(found: [], missing: []) }
        let body = CanonicalJSON.object(["ids": .array(ids.map { .string($0.uuidText) })])
        let json = try await call(.POST, "/v1/invoices/lookup", body: body, action: "answer the lookup")
        return try decode("the lookup") { () throws(WireError) in try InvoiceLookup(json: json) }
    }

    public func changes(
        branch: String,
        since cursor: Int64,
        limit: Int,
        scope: ChangeScope
    ) async throws -> ChangePage {
        var path =
            "/v1/branches/\(Self.pathComponent(branch))/changes?since=\(cursor)&limit=\(min(max(limit, 1), 1000))"
        if scope == .all { path += "&scope=all" }
        let json = try await call(.GET, path, action: "list the branch's changes")
        return try decode("the changes") { () throws(WireError) in try ChangePage(json: json) }
    }

    public func anchorState(branch: String) async throws -> AnchorState {
        let path = "/v1/branches/\(Self.pathComponent(branch))/audit"
        guard let json = try await call(.GET, path, body: nil, action: "report the anchored audit", absentOn404: true)
        else {
            throw RemoteError(.unsupported, "\(endpoint) does not anchor audit chains (an earlier fapiao-central).")
        }
        return try decode("the anchored audit") { () throws(WireError) in try AnchorState(wire: json) }
    }

    public func anchor(_ shipment: AuditShipment, branch: String) async throws -> AnchorState {
        let path = "/v1/branches/\(Self.pathComponent(branch))/audit"
        let json = try await call(.POST, path, bytes: shipment.canonicalBytes, action: "anchor the audit")
        return try decode("the anchored audit") { () throws(WireError) in try AnchorState(wire: json) }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// AsyncHTTPClient keeps a pool of connections: a push and an anchoring go side by side.
    public var takesConcurrentRequests: Bool { true }
}
