import FapiaoCentralStore
import FapiaoCore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// The central service: the HTTP API of Schema/openapi.yaml over any ``CentralStore``.
///
/// Every endpoint but `GET /v1/health` needs a bearer token from the ``TokenRegistry``. A
/// branch's token lets it push its own invoices and read its own invoices and changes; the
/// token of the store's own node (HQ, `central`) may also amend and void any invoice and list
/// any branch's changes. Pushes go through the ``FaultPlan`` first, so tests and demos can
/// make the centre refuse, stall, fail or lose replies.
///
/// ```swift
/// let service = CentralService(store: store, tokens: try TokenRegistry.load(path: tokensPath), logger: logger)
/// let app = try service.application(host: "127.0.0.1", port: 8080) { print("listening on \($0.url)") }
/// try await ServiceGroup(services: [app], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct CentralService: Sendable {
    /// Sizes and timings of the API.
    public struct Limits: Hashable, Sendable {
        /// The largest request body accepted; a larger one is answered 413.
        public var maximumBodySize: Int
        /// The page size of `changes` when the request gives none.
        public var defaultChangesPage: Int
        /// The largest page size of `changes`.
        public var maximumChangesPage: Int
        /// The `Retry-After` seconds of a 503 answered because the store is unavailable.
        public var unavailableRetryAfter: Int
        /// The most operations one push may carry (a branch sends at most 5,000); more is 413.
        public var maximumOperationsPerPush: Int
        /// What one request body may hold: members per object, elements per array, bytes per
        /// string, nesting, values in all (1,000,000: 200 per operation of a push of 5,000, where
        /// an invoice with one line takes about 40).
        ///
        /// Past any of them the request is answered 400 naming the limit, after bounded work.
        public var document: JSONValue.Limits
        /// The bytes of request bodies held at once across every connection (at least
        /// ``maximumBodySize``): a body that would take the total past it is answered 503 with
        /// `Retry-After: 1` instead of read further, so many large requests at once cost bounded memory.
        public var maximumBodyBytesInFlight: Int
        /// How long a connection may send nothing before it is closed.
        ///
        /// It counts between requests and in the middle of one (a body stalled half-way then
        /// gives back its bytes); a request being answered is never cut.
        public var idleTimeout: Duration

        public init(
            maximumBodySize: Int = 64 << 20,
            defaultChangesPage: Int = 100,
            maximumChangesPage: Int = 1000,
            unavailableRetryAfter: Int = 5,
            maximumOperationsPerPush: Int = 5_000,
            document: JSONValue.Limits = JSONValue.Limits(
                maximumDepth: 32,
                maximumMembers: 1_000,
                maximumElements: 10_000,
                maximumStringBytes: 1 << 20,
                maximumValues: 1_000_000
            ),
            maximumBodyBytesInFlight: Int = 64 << 20,
            idleTimeout: Duration = .seconds(30)
        ) {
            self.maximumBodyBytesInFlight = maximumBodyBytesInFlight
            self.idleTimeout = idleTimeout
            self.maximumOperationsPerPush = maximumOperationsPerPush
            self.document = document
            self.maximumBodySize = maximumBodySize
            self.defaultChangesPage = defaultChangesPage
            self.maximumChangesPage = maximumChangesPage
            self.unavailableRetryAfter = unavailableRetryAfter
        }
    }

    /// Where a started service listens.
    public struct ListeningAddress: Hashable, Sendable {
        public var host: String
        public var port: Int
        /// Whether it speaks TLS (`https://`).
        public var secure: Bool

        public init(host: String, port: Int, secure: Bool = false) {
            self.host = host
            self.port = port
            self.secure = secure
        }

        /// `http://HOST:PORT` or `https://HOST:PORT`, with an IPv6 host in brackets.
        public var url: String {
            let scheme = secure ? "https" : "http"
            return host.contains(":") ? "\(scheme)://[\(host)]:\(port)" : "\(scheme)://\(host):\(port)"
        }
    }

    /// The store the service serves.
    public let store: any CentralStore
    /// The accepted tokens, re-read from the tokens file when it changes.
    public let tokenSource: TokenSource
    /// The tokens in force now.
    public var tokens: TokenRegistry { tokenSource.current }
    /// The faults injected into pushes; change it while the service runs.
    public let faults: FaultPlan
    /// Sizes and timings.
    public let limits: Limits
    /// The request bodies held now, bounded by ``Limits/maximumBodyBytesInFlight``.
    let bodies: BodyAllowance
    let logger: Logger
    let now: @Sendable () -> UTCTimestamp
    /// What the service measures, rendered by `GET /metrics`.
    public let metrics = CentralMetrics()
    /// Where alerts go (`serve --notify`); none when `nil`.
    public let alerts: AlertDispatcher?
    /// HQ's web console (`serve --console`); off when `nil`.
    public let console: HQConsole?

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - store: the central store; its ``CentralStore/node`` names the HQ role.
    ///   - tokens: the accepted bearer tokens.
    ///   - faults: the faults to inject into pushes; none by default.
    ///   - limits: sizes and timings.
    ///   - logger: where the service logs one line per push and every refused request. Tokens
    ///     never reach it.
    ///   - alerts: where alerts go (chain breaks, rejections, conflicts), or `nil` for none.
    ///   - console: HQ's web console, or `nil` to leave it off.
    ///   - now: the wall clock recorded on HQ edits; it never decides an outcome.
    public init(
        store: any CentralStore,
        tokens: TokenRegistry,
        faults: FaultPlan = FaultPlan(),
        limits: Limits = Limits(),
        logger: Logger,
        alerts: AlertDispatcher? = nil,
        console: HQConsole? = nil,
        now: @escaping @Sendable () -> UTCTimestamp = CentralService.systemNow
    ) {
        self.init(
            store: store,
            tokenSource: TokenSource(tokens),
            faults: faults,
            limits: limits,
            logger: logger,
            alerts: alerts,
            console: console,
            now: now
        )
    }

    /// Creates the service with tokens that follow a tokens file (see ``TokenSource``).
    public init(
        store: any CentralStore,
        tokenSource: TokenSource,
        faults: FaultPlan = FaultPlan(),
        limits: Limits = Limits(),
        logger: Logger,
        alerts: AlertDispatcher? = nil,
        console: HQConsole? = nil,
        now: @escaping @Sendable () -> UTCTimestamp = CentralService.systemNow
    ) {
        self.alerts = alerts
        self.console = console
        self.store = store
        self.tokenSource = tokenSource
        self.faults = faults
        self.limits = limits
        self.bodies = BodyAllowance(maximum: max(limits.maximumBodyBytesInFlight, limits.maximumBodySize))
        self.logger = logger
        self.now = now
    }

    /// The system clock.
    @Sendable public static func systemNow() -> UTCTimestamp {
        UTCTimestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The router with every endpoint of the API.
    public func router() -> Router<CentralRequestContext> {
        let router = Router(context: CentralRequestContext.self)
        router.add(middleware: APIErrorMiddleware(maximumBodySize: limits.maximumBodySize))
        router.get("/v1/health") { _, _ in try await health() }
        router.post("/v1/push") { request, context in
            try await bodies.holding { try await push(request, context: context) }
        }
        router.post("/v1/invoices/lookup") { request, context in
            try await bodies.holding { try await lookup(request, context: context) }
        }
        router.get("/v1/invoices/:id") { request, context in try await invoice(request, context: context) }
        router.post("/v1/invoices/:id/amend") { request, context in
            try await bodies.holding { try await edit(request, context: context, void: false) }
        }
        router.post("/v1/invoices/:id/void") { request, context in
            try await bodies.holding { try await edit(request, context: context, void: true) }
        }
        router.get("/v1/branches/:branch/changes") { request, context in
            try await changes(request, context: context)
        }
        router.get("/metrics") { request, context in try await metricsPage(request, context: context) }
        router.get("/v1/branches/:branch/audit") { request, context in
            try await anchorState(request, context: context)
        }
        router.post("/v1/branches/:branch/audit") { request, context in
            try await bodies.holding { try await anchor(request, context: context) }
        }
        if let console { addConsole(console, to: router) }
        return router
    }

    /// The Hummingbird application serving the API; run it in a `ServiceGroup` for graceful
    /// shutdown on signals.
    ///
    /// - Parameters:
    ///   - host: the address to bind, e.g. `127.0.0.1`.
    ///   - port: the port; 0 lets the system pick a free one.
    ///   - tls: the certificate and key to serve HTTPS with, or `nil` for plain HTTP.
    ///   - onListening: called once the socket is bound, with the real port.
    /// - Returns: the application.
    /// - Throws: what Hummingbird's TLS server builder throws (nothing, for a ``ServerTLS``).
    public func application(
        host: String,
        port: Int,
        tls: ServerTLS? = nil,
        onListening: @escaping @Sendable (ListeningAddress) async -> Void = { _ in }
    ) throws -> Application<RouterResponder<CentralRequestContext>> {
        let idle = limits.idleTimeout.components
        let http1 = HTTPServerBuilder.http1(
            configuration: .init(
                idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
            )
        )
        return Application(
            router: router(),
            server: try tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: $0.configuration) } ?? http1,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "fapiao-central"),
            onServerRunning: { channel in
                await onListening(
                    ListeningAddress(host: host, port: channel.localAddress?.port ?? port, secure: tls != nil)
                )
            },
            logger: logger
        )
    }

    /// Starts the service in a task of its own and returns once it listens (tests, the demo).
    ///
    /// - Parameters:
    ///   - host: the address to bind.
    ///   - port: the port; 0 (the default) lets the system pick a free one.
    ///   - tls: the certificate and key to serve HTTPS with, or `nil` (the default) for plain HTTP.
    /// - Returns: the running service; call ``RunningCentralService/stop()`` when done.
    /// - Throws: ``CentralServiceError`` `.cannotListen` when the address cannot be bound.
    public func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        tls: ServerTLS? = nil
    ) async throws
        -> RunningCentralService
    {
        let (addresses, continuation) = AsyncStream.makeStream(of: ListeningAddress.self)
        let app = try application(host: host, port: port, tls: tls) { address in
            continuation.yield(address)
            continuation.finish()
        }
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        for await address in addresses {
            return RunningCentralService(address: address, task: task)
        }
        let reason =
            switch await task.result {
            case .failure(let error): "\(error)"
            case .success: "the server stopped at once"
            }
        throw CentralServiceError(
            .cannotListen,
            "Cannot listen on \(host):\(port) (\(reason)); choose another address."
        )
    }
}
