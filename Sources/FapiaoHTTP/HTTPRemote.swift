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
    private let authorization: Secret?
    private let timeouts: Timeouts
    private let client: HTTPClient
    private let logger: Logger
    private let maximumAnswerSize = 256 << 20

    /// A logger that drops everything, for callers that have none.
    public static let silentLogger = Logger(label: "fapiao.http", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Creates the adapter; no connection is made until the first call.
    ///
    /// - Parameters:
    ///   - baseURL: `http://HOST:PORT` or `https://HOST[:PORT][/PREFIX]`, without credentials.
    ///   - token: the branch's bearer token, or `nil` to send none.
    ///   - timeouts: connect, read and whole-request timeouts.
    ///   - logger: where requests are logged at debug level (method, path, status), never the token.
    /// - Throws: ``RemoteError`` `.protocolViolation` when the URL or the token cannot be used.
    public init(
        baseURL: String,
        token: String?,
        timeouts: Timeouts = Timeouts(),
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
        authorization = token.map { Secret("Bearer \($0)") }
        self.timeouts = timeouts
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: timeouts.connect.timeAmount, read: timeouts.read.timeAmount)
        configuration.redirectConfiguration = .disallow
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

    public func push(_ operations: [InvoiceOperation], branch: String) async throws -> [OperationOutcome] {
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
        let body = CanonicalJSON.object(["ids": .array(ids.map { .string($0.uuidString) })])
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

    public func shutdown() async {
        try? await client.shutdown()
    }

    // MARK: More of the API

    /// The remote's current version of one invoice, or `nil` when it holds none (404).
    ///
    /// - Parameter id: the invoice id.
    /// - Returns: the version.
    /// - Throws: ``RemoteError``.
    public func invoice(_ id: UUID) async throws -> RemoteVersion? {
        let json = try await call(
            .GET,
            "/v1/invoices/\(id.uuidString)",
            body: nil,
            action: "look up the invoice",
            absentOn404: true
        )
        guard let json else { return nil }
        return try decode("the invoice") { () throws(WireError) in
            try WireFormat.version(from: json, context: "invoice")
        }
    }

    /// Amends an invoice at the centre (HQ's token only).
    ///
    /// - Parameters:
    ///   - id: the invoice id.
    ///   - fields: wire field names (`buyer.name`, `note`, …) and their new values.
    ///   - actor: who amends it; the token's node when `nil`.
    /// - Returns: the new version.
    /// - Throws: ``RemoteError``; `.forbidden` for a branch's token.
    public func amend(_ id: UUID, fields: [String: String], actor: String? = nil) async throws -> RemoteVersion {
        var body: [String: CanonicalJSON] = ["fields": .object(fields.mapValues(CanonicalJSON.string))]
        if let actor { body["actor"] = .string(actor) }
        let json = try await call(
            .POST,
            "/v1/invoices/\(id.uuidString)/amend",
            body: .object(body),
            action: "amend the invoice"
        )
        return try decode("the amend") { () throws(WireError) in try WireFormat.version(from: json, context: "invoice")
        }
    }

    /// Voids an invoice at the centre (HQ's token only).
    ///
    /// - Parameters:
    ///   - id: the invoice id.
    ///   - reason: why.
    ///   - actor: who voids it; the token's node when `nil`.
    /// - Returns: the voided version.
    /// - Throws: ``RemoteError``; `.forbidden` for a branch's token.
    public func void(_ id: UUID, reason: String, actor: String? = nil) async throws -> RemoteVersion {
        var body: [String: CanonicalJSON] = ["reason": .string(reason)]
        if let actor { body["actor"] = .string(actor) }
        let json = try await call(
            .POST,
            "/v1/invoices/\(id.uuidString)/void",
            body: .object(body),
            action: "void the invoice"
        )
        return try decode("the void") { () throws(WireError) in try WireFormat.version(from: json, context: "invoice") }
    }

    // MARK: Exchange

    /// Sends one request and returns its JSON answer.
    private func call(
        _ method: HTTPMethod,
        _ path: String,
        body: CanonicalJSON? = nil,
        action: String
    ) async throws(RemoteError) -> JSONValue {
        try await call(method, path, bytes: body?.bytes, action: action)
    }

    private func call(
        _ method: HTTPMethod,
        _ path: String,
        bytes body: [UInt8]?,
        action: String
    ) async throws(RemoteError) -> JSONValue {
        // A 404 is an error unless `absentOn404`, so the answer is never nil here.
        guard let json = try await call(method, path, body: body, action: action, absentOn404: false) else {
            throw RemoteError(.protocolViolation, "\(endpoint) gave no answer to \(action).")
        }
        return json
    }

    private func call(
        _ method: HTTPMethod,
        _ path: String,
        body: [UInt8]?,
        action: String,
        absentOn404: Bool
    ) async throws(RemoteError) -> JSONValue? {
        // Whether the request changes the centre, so that a lost answer leaves it in doubt.
        let writes = method == .POST && !path.hasSuffix("/lookup")
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization { request.headers.add(name: "Authorization", value: authorization.value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(request, deadline: .now() + timeouts.request.timeAmount)
        } catch {
            throw transportFailure(error, action: action, answerStarted: false, writes: writes)
        }
        do {
            bytes = try await response.body.collect(upTo: maximumAnswerSize)
        } catch is NIOTooManyBytesError {
            throw RemoteError(.protocolViolation, "\(endpoint) sent an answer larger than \(maximumAnswerSize) bytes.")
        } catch {
            throw transportFailure(error, action: action, answerStarted: true, writes: writes)
        }
        let status = Int(response.status.code)
        logger.debug("remote answered", metadata: ["method": "\(method)", "path": "\(path)", "status": "\(status)"])
        if absentOn404, status == 404 { return nil }
        guard (200..<300).contains(status) else {
            throw statusFailure(status, headers: response.headers, body: bytes, action: action, writes: writes)
        }
        do {
            return try JSONValue.parse(bytes.readableBytesView)
        } catch {
            throw RemoteError(
                .protocolViolation,
                "\(endpoint) answered \(action) with a body that is not JSON (\(error))."
            )
        }
    }

    private func decode<T>(_ what: String, _ body: () throws(WireError) -> T) throws(RemoteError) -> T {
        do {
            return try body()
        } catch {
            throw RemoteError(.protocolViolation, "\(endpoint) sent an unreadable answer to \(what): \(error.message).")
        }
    }

    // MARK: Classifying failures

    /// A failure of the connection: `unreachable` when no connection could be made (nothing was
    /// sent), else `inDoubt`, whether the answer never started or was cut off.
    private func transportFailure(_ error: any Error, action: String, answerStarted: Bool, writes: Bool) -> RemoteError
    {
        logger.debug("remote transport failure", metadata: ["error": "\(type(of: error))", "action": "\(action)"])
        if let shutdown = error as? HTTPClientError, shutdown == .alreadyShutdown {
            return RemoteError(.unreachable, "The connection to \(endpoint) was already shut down; nothing was sent.")
        }
        if !answerStarted, let reason = Self.connectFailure(error) {
            return RemoteError(.unreachable, "Cannot reach \(endpoint) (\(reason)); nothing was sent, try again later.")
        }
        let reason: String
        if let error = error as? HTTPClientError, error == .readTimeout {
            reason = "no answer within \(timeouts.read)"
        } else if let error = error as? HTTPClientError, error == .deadlineExceeded {
            reason = "no complete answer within \(timeouts.request)"
        } else if answerStarted {
            reason = "the answer was cut off"
        } else {
            reason = "the connection closed before an answer came"
        }
        return RemoteError(
            .inDoubt,
            "\(endpoint) did not \(action) (\(reason))\(Self.doubt(writes))."
        )
    }

    /// Why a connection could not be made, or `nil` when the error happened on a connection.
    private static func connectFailure(_ error: any Error) -> String? {
        switch error {
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty { return "host name not found" }
            return error.connectionErrors.compactMap { connectFailure($0.error) }.first ?? "connection failed"
        case let error as HTTPClientError where error == .connectTimeout || error == .getConnectionFromPoolTimeout:
            return "connection timed out"
        case let error as HTTPClientError where error == .tlsHandshakeTimeout:
            return "TLS handshake timed out"
        case let error as ChannelError:
            if case .connectTimeout = error { return "connection timed out" }
            return nil
        case is SocketAddressError:
            return "host name not found"
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN: return "no route to the host"
            case EADDRNOTAVAIL: return "address not available"
            case ETIMEDOUT: return "connection timed out"
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The error for an answer with a non-2xx status.
    private func statusFailure(
        _ status: Int,
        headers: HTTPHeaders,
        body: ByteBuffer,
        action: String,
        writes: Bool
    ) -> RemoteError {
        let said = Self.errorSentence(in: body).map { ": \($0)" } ?? ""
        switch status {
        case 401:
            return RemoteError(
                .authenticationRefused,
                "\(endpoint) refused the token (401)\(said)"
            )
        case 403:
            return RemoteError(.forbidden, "\(endpoint) refused to \(action) for this token (403)\(said).")
        case 429, 503:
            let retryAfter = headers.first(name: "Retry-After").flatMap { Self.retryAfter($0, now: Date()) }
            return RemoteError(
                .busy,
                "\(endpoint) is busy (\(status))\(said)",
                retryAfter: retryAfter
            )
        case 500, 502, 504, 506..<600:
            return RemoteError(
                .inDoubt,
                "\(endpoint) failed to \(action) (\(status))\(said)\(Self.doubt(writes))."
            )
        default:
            return RemoteError(.protocolViolation, "\(endpoint) could not \(action) (\(status))\(said).")
        }
    }

    /// The end of an in-doubt message: what the lost answer means.
    private static func doubt(_ writes: Bool) -> String {
        writes ? "; it may have been applied, so it will be retried unchanged" : "; try again later"
    }

    /// The one sentence of an `{"error": "…"}` body, shortened, or `nil`.
    private static func errorSentence(in body: ByteBuffer) -> String? {
        guard let json = try? JSONValue.parse(body.readableBytesView),
            case .string(let text) = try? WireObject(json, context: "error").value("error")
        else { return nil }
        var sentence = text.replacingOccurrences(of: "\n", with: " ")
        while sentence.hasSuffix(".") { sentence.removeLast() }
        return sentence.count > 300 ? String(sentence.prefix(300)) + "…" : sentence
    }

    /// A `Retry-After` value: whole seconds, or an HTTP date.
    ///
    /// - Parameters:
    ///   - value: the header's value.
    ///   - now: the current time, for an HTTP date.
    /// - Returns: how long to wait, never negative; `nil` for an unreadable value.
    public static func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return .seconds(max(0, Int64(date.timeIntervalSince(now).rounded(.up))))
            }
        }
        return nil
    }

    private static func pathComponent(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A string that never shows itself: not in `description`, `debugDescription` or `dump`.
private struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String
    init(_ value: String) { self.value = value }
    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: []) }
}

extension Duration {
    fileprivate var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
