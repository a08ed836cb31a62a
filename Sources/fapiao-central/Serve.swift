import ArgumentParser
import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import FapiaoNotify
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `fapiao-central serve`: the HTTP API over a central store, over TLS with `--tls-cert` and `--tls-key`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the central HTTP API over a store until SIGTERM or SIGINT.",
        discussion: """
            Prints `listening on http://HOST:PORT` (`https://` with --tls-cert) on standard output once the \
            socket is bound (with --listen HOST:0 the system picks a free port and the line names it). Logs go to standard \
            error: one line per push with the branch, the counts and the time taken; tokens never appear; \
            the first names the store and the version. --log-format json writes each as one JSON object \
            per line (time in ISO 8601 UTC, level, label, message, the metadata flattened). \
            On SIGTERM or SIGINT the service stops accepting connections, finishes the requests in flight, \
            closes the store and exits 0. A missing store file is created (mode 0600). The tokens \
            file is re-read when it changes, so `fapiao-central token add` takes effect without a restart.

            --tls-cert and --tls-key serve HTTPS: both PEM, the certificate file holding the server's own \
            certificate first and then any intermediates, the key unencrypted and readable by the service's \
            user. Both are checked before the socket is bound: a missing or unreadable file exits 66, a file \
            that is not PEM or a key that does not match the certificate exits 64. Anything that listens \
            beyond loopback should use them: the branches' tokens cross in every request.

            What it serves (Schema/openapi.yaml): pushes, each branch's changes made elsewhere, invoice \
            look-ups, HQ's amend and void, /v1/health, and each branch's audit chain, anchored at the \
            centre as the branch ships it: a branch whose chain no longer continues the anchored copy \
            has a chain break, and its pushes are refused until HQ runs `fapiao-central audit \
            acknowledge`. GET /metrics gives HQ's token the branches' state in the Prometheus text format.

            --fault injects failures into pushes, for tests and demos: comma-separated key=value pairs, \
            probabilities per push for refuse (close the connection unread), http500, http503 (with \
            retry-after=SECONDS), partial (process the first half of the batch) and drop-reply (commit, \
            then close the connection without answering); delay=200ms waits before every push; seed=N \
            makes the draws repeatable.

            --notify sends HQ an alert on a chain break, a rejection, a new conflict, a branch whose \
            deadlines passed or one silent past --silent-after: exec:PROGRAM [ARGS] runs the program with \
            the alert as one JSON line on standard input (and FAPIAO_ALERT_KIND, FAPIAO_ALERT_BRANCH in its \
            environment), exit 0 meaning taken; an http(s):// URL gets the JSON POSTed. Each event is sent \
            once and again at most every --notify-interval while it lasts (the alert says how many were \
            held back); a notifier that fails is logged and tried three times, and never holds up a push. \
            Repeat --notify for several notifiers.

            --console serves HQ's read-only web console at /console: every branch with its lag, \
            outbox over time, chain state and attention; invoice search by number, seller, buyer or \
            branch; one invoice's whole history at the centre and at the branches with both vector clocks; \
            a branch's rejections and chain break. Log in with HQ's token, or open the one-time link \
            printed at start (`console: …/console/login?code=…`, good once for ten minutes). Serve it over \
            TLS or on loopback only: the session cookie is a credential.

            A PostgreSQL store (postgres://USER@HOST[:PORT]/DB[?sslmode=disable|prefer|require|verify-ca|\
            verify-full&sslrootcert=FILE]) is shared: any number of instances may serve one database, and \
            branches may write into it directly (`fapiao init --remote postgres://…`). The database must \
            exist; its tables are created on first use. The password never goes on the command line (ps \
            shows it): give it in $PGPASSWORD, or the whole URL in a 0600 --store-file or in \
            $FAPIAO_CENTRAL_STORE.

            Examples:
              fapiao-central serve --store sqlite:/srv/fapiao/central.sqlite --tokens /etc/fapiao/tokens
              fapiao-central serve --store sqlite:/srv/fapiao/central.sqlite --tokens /etc/fapiao/tokens \\
                  --listen 0.0.0.0:8443 --tls-cert /etc/fapiao/tls/cert.pem --tls-key /etc/fapiao/tls/key.pem
              PGPASSWORD=… fapiao-central serve --store 'postgres://fapiao@db.hq.example/fapiao?sslmode=require' \\
                  --tokens /etc/fapiao/tokens --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem
              fapiao-central serve --store-file /etc/fapiao/store-url --tokens /etc/fapiao/tokens
              FAPIAO_CENTRAL_TOKENS=/etc/fapiao/tokens fapiao-central serve --store sqlite:central.sqlite
              fapiao-central serve --store sqlite:demo.sqlite --tokens tokens --listen 127.0.0.1:0 \\
                  --fault drop-reply=0.3,http503=0.1,retry-after=2,seed=7
              fapiao-central serve --store sqlite:central.sqlite --tokens tokens \\
                  --notify 'exec:/usr/local/bin/mail-hq audit@hq.example' --notify https://chat.hq.example/hook
              fapiao-central serve --store sqlite:central.sqlite --tokens tokens --console \\
                  --log-format json --log-level notice
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var tokensOptions: TokensOptions

    @Option(help: ArgumentHelp("Where to listen: HOST:PORT; port 0 picks a free one.", valueName: "host:port"))
    var listen: String = "127.0.0.1:8080"

    @Option(
        help: ArgumentHelp(
            "Serve HTTPS with this PEM certificate chain (the server's own certificate first); needs --tls-key.",
            valueName: "file"
        )
    )
    var tlsCert: String?

    @Option(
        help: ArgumentHelp("The PEM private key of --tls-cert's certificate, unencrypted.", valueName: "file")
    )
    var tlsKey: String?

    @Option(help: ArgumentHelp("Faults to inject into pushes (see above).", valueName: "spec"))
    var fault: String?

    @Option(
        help: ArgumentHelp(
            "The jurisdiction profile whose rules the centre applies again (default cn-digital; see `fapiao profile list`).",
            valueName: "name"
        )
    )
    var profile: String = Profile.defaultName

    @Option(
        help: ArgumentHelp(
            "The single-invoice limit (开票限额) in place of the profile's: each invoice's net amount must stay below it; none for no limit.",
            valueName: "amount"
        )
    )
    var singleInvoiceLimit: String?

    @Flag(help: "Serve HQ's read-only web console at /console (see above).")
    var console = false

    @Option(
        help: ArgumentHelp(
            "Where alerts go: exec:PROGRAM [ARGS] or an http(s):// URL (repeatable).",
            valueName: "target"
        )
    )
    var notify: [String] = []

    @Option(help: ArgumentHelp("The same alert again at most this often while it lasts.", valueName: "duration"))
    var notifyInterval = "1h"

    @Option(help: ArgumentHelp("Alert when a branch is not heard from for this long.", valueName: "duration"))
    var silentAfter = "24h"

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error.", valueName: "level"))
    var logLevel: String = "info"

    @Option(
        help: ArgumentHelp(
            "Log lines on standard error: text, or json (one JSON object per line).",
            valueName: "format"
        )
    )
    var logFormat: LogFormat = .text

    func validate() throws {
        _ = try address()
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError(
                tlsCert == nil
                    ? "--tls-key needs --tls-cert: give the certificate chain the key belongs to."
                    : "--tls-cert needs --tls-key: give the certificate's private key."
            )
        }
        _ = try policy()
        _ = try faultSettings()
        _ = try alertTargets()
        for (name, text) in [("--notify-interval", notifyInterval), ("--silent-after", silentAfter)] {
            guard let duration = DurationText.parse(text), duration >= .seconds(1) else {
                throw ValidationError(
                    "\(name) must be a duration of a second or more, such as 30m or 24h, not \(text)."
                )
            }
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let (host, port) = try address()
            // Before the store is opened or the socket bound: a bad file changes nothing.
            let tls = try tlsCert.map { try ServerTLS(certificateFile: $0, keyFile: tlsKey ?? "") }
            let faults = FaultPlan(try faultSettings())
            let logger = logFormat.logger(label: "fapiao-central", level: Logger.Level(rawValue: logLevel) ?? .info)
            // Tokens added with `token add` while serving take effect on the next request.
            let tokenLogger = logger
            let tokens = try TokenSource(path: try tokensOptions.path()) { problem in
                tokenLogger.error("\(problem)")
            }
            let store = try await storeOptions.open(create: true, policy: try policy(), logger: logger)
            let display = try storeOptions.location().display
            logger.info(
                "store open",
                metadata: ["store": "\(display)", "kind": "\(store.kind)", "version": "\(FapiaoVersion.current)"]
            )
            if let tls, tls.notValidAfter < Date() {
                logger.warning(
                    "the TLS certificate has expired; branches will refuse it",
                    metadata: ["notValidAfter": "\(tls.notValidAfter)"]
                )
            }
            let alerts =
                try alertTargets().isEmpty
                ? nil
                : AlertDispatcher(
                    targets: try alertTargets(),
                    resendInterval: DurationText.parse(notifyInterval) ?? .seconds(3_600),
                    scan: AlertDispatcher.Scan(silentAfter: DurationText.parse(silentAfter) ?? .seconds(86_400)),
                    overviews: { try await store.branchOverviews() },
                    logger: logger,
                    now: CentralService.systemNow
                )
            let hqConsole =
                console
                ? HQConsole(
                    silentAfter: DurationText.parse(silentAfter) ?? .seconds(86_400),
                    now: CentralService.systemNow
                )
                : nil
            let service = CentralService(
                store: store,
                tokenSource: tokens,
                faults: faults,
                logger: logger,
                alerts: alerts,
                console: hqConsole
            )
            let listening = Atomic(false)
            let app = try service.application(host: host, port: port, tls: tls) { address in
                listening.store(true, ordering: .sequentiallyConsistent)
                emit("listening on \(address.url)")
                if let hqConsole {
                    emit("console: \(address.url)/console/login?code=\(hqConsole.issueCode())")
                }
            }
            if faults.settings.hasRandomFaults || faults.settings.delay != nil {
                logger.notice("injecting faults into pushes", metadata: ["faults": "\(faults.settings.spec)"])
            }
            do {
                // A ServiceGroup that shuts the server (and the alerts) down gracefully on SIGTERM and SIGINT.
                let services: [any Service] = [app] + (alerts.map { [$0] } ?? [])
                try await ServiceGroup(
                    configuration: .init(
                        services: services,
                        gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: logger
                    )
                ).run()
            } catch {
                try? await store.close()
                guard listening.load(ordering: .sequentiallyConsistent) else {
                    throw CentralServiceError(
                        .cannotListen,
                        "Cannot listen on \(listen) (\(error)); choose a free port or another address."
                    )
                }
                throw error
            }
            try await store.close()
        }
    }

    /// The `--notify` targets.
    func alertTargets() throws -> [AlertTarget] {
        do {
            return try notify.map { text throws(AlertTargetError) in try AlertTarget(parsing: text) }
        } catch {
            throw ValidationError(error.message + ".")
        }
    }

    /// `HOST:PORT`, with an IPv6 host in brackets.
    func address() throws -> (host: String, port: Int) {
        var host = ""
        var portText = ""
        if listen.hasPrefix("["), let close = listen.firstIndex(of: "]") {
            host = String(listen[listen.index(after: listen.startIndex)..<close])
            let rest = listen[listen.index(after: close)...]
            guard rest.hasPrefix(":") else { throw listenError() }
            portText = String(rest.dropFirst())
        } else if let colon = listen.lastIndex(of: ":") {
            host = String(listen[..<colon])
            portText = String(listen[listen.index(after: colon)...])
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { throw listenError() }
        return (host, port)
    }

    private func listenError() -> ValidationError {
        ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:0.")
    }

    func policy() throws -> CentralPolicy {
        do {
            var chosen = try Profile.builtIn(profile)
            if let singleInvoiceLimit { chosen = try chosen.applying(["singleInvoiceLimit": singleInvoiceLimit]) }
            return CentralPolicy(validation: chosen.validationPolicy())
        } catch {
            throw ValidationError(
                singleInvoiceLimit != nil && Profile.builtInNames.contains(profile)
                    ? "--single-invoice-limit must be an amount above 0 such as 100000.00, or none."
                    : "--profile \(profile) \(error.message)."
            )
        }
    }

    func faultSettings() throws -> FaultPlan.Settings {
        do {
            return try FaultPlan.Settings(spec: fault ?? "")
        } catch {
            throw ValidationError(error.message)
        }
    }
}
