import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Logging
import Synchronization
import Testing

/// Log lines collected in memory, to check what the service and the client write.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger at trace level whose every line, with its metadata, lands here.
    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// Everything logged so far.
    var all: [String] { lines.withLock { $0 } }
}

/// A `LogHandler` that writes into a ``LogCapture``.
struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        capture.append("\(event.level) [\(event.source)] \(event.message) \(fields)")
    }
}

/// The real central service on 127.0.0.1 (a free port) over an in-memory store, with a
/// temporary tokens file holding tokens for two branches and HQ.
final class ServiceHarness: Sendable {
    static let branch = "bj-01"
    static let otherBranch = "bj-02"
    static let hq = "central"

    let directory: TemporaryDirectory
    let store: InMemoryCentralStore
    let faults = FaultPlan()
    let logs = LogCapture()
    let tokens: [String: String]
    let running: RunningCentralService
    private let clock = ManualClock()
    private let remotes = Mutex<[HTTPRemote]>([])

    /// Starts a service.
    ///
    /// - Parameter limits: the service's limits.
    /// - Throws: when the tokens file or the socket cannot be set up.
    init(limits: CentralService.Limits = CentralService.Limits()) async throws {
        directory = try TemporaryDirectory(prefix: "fapiao-service-tests")
        let tokensPath = directory.file("tokens")
        var tokens: [String: String] = [:]
        for node in [Self.branch, Self.otherBranch, Self.hq] {
            tokens[node] = try TokenRegistry.addToken(for: node, toFileAt: tokensPath)
        }
        self.tokens = tokens
        store = InMemoryCentralStore()
        let service = CentralService(
            store: store,
            tokens: try TokenRegistry.load(path: tokensPath),
            faults: faults,
            limits: limits,
            logger: logs.logger("central")
        )
        running = try await service.start()
    }

    /// Runs `body` with a fresh service and stops it afterwards, even when `body` throws.
    ///
    /// - Parameters:
    ///   - limits: the service's limits.
    ///   - body: the test.
    /// - Returns: what `body` returns.
    /// - Throws: what the harness or `body` throws.
    static func run<T>(
        limits: CentralService.Limits = CentralService.Limits(),
        _ body: (ServiceHarness) async throws -> T
    ) async throws -> T {
        let harness = try await ServiceHarness(limits: limits)
        do {
            let result = try await body(harness)
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    /// The service's base URL.
    var url: String { running.url }

    /// A client with `node`'s token (or `token` itself), logging into ``logs``.
    func remote(
        as node: String? = ServiceHarness.branch,
        token: String? = nil,
        timeouts: HTTPRemote.Timeouts = .init()
    )
        throws -> HTTPRemote
    {
        let remote = try HTTPRemote(
            baseURL: url,
            token: token ?? node.flatMap { tokens[$0] },
            timeouts: timeouts,
            logger: logs.logger("client")
        )
        remotes.withLock { $0.append(remote) }
        return remote
    }

    /// Shuts every client down and stops the service.
    func stop() async {
        for remote in remotes.withLock({ $0 }) { await remote.shutdown() }
        await running.stop()
    }

    /// A valid invoice of `branch` with id `SequentialIDSource.id(id)` and a number of its own.
    func invoice(_ id: UInt64, branch: String = ServiceHarness.branch) throws -> Invoice {
        let context = CaptureContext(id: SequentialIDSource.id(id), capturedAt: clock.now, branch: branch)
        let input = InvoiceFixtures.validInput(clock: clock, number: InvoiceFixtures.number(Int(id)))
        return try InvoiceValidator.validate(input, context: context).invoice
    }

    /// The create operation of `invoice`, id `100,000 + id`, clock {branch: 1}.
    func create(_ id: UInt64, branch: String = ServiceHarness.branch) throws -> InvoiceOperation {
        let invoice = try invoice(id, branch: branch)
        return InvoiceOperation(
            id: SequentialIDSource.id(100_000 + id),
            kind: .create,
            clock: VectorClock([branch: 1]),
            invoice: invoice
        )
    }
}

extension ServiceHarness {
    /// A create operation of a valid `bj-01` invoice, for tests without a harness.
    static func sampleOperation() throws -> InvoiceOperation {
        let clock = ManualClock()
        let context = CaptureContext(id: SequentialIDSource.id(1), capturedAt: clock.now, branch: branch)
        let invoice = try InvoiceValidator.validate(InvoiceFixtures.validInput(clock: clock), context: context).invoice
        return InvoiceOperation(
            id: SequentialIDSource.id(100_001),
            kind: .create,
            clock: VectorClock([branch: 1]),
            invoice: invoice
        )
    }
}

/// The ``RemoteError`` `body` throws, or `nil` when it throws nothing or something else.
func remoteFailure<T>(_ body: () async throws -> T) async -> RemoteError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? RemoteError
    }
}

/// The ``CentralServiceError`` `body` throws, or `nil`.
func serviceFailure<T>(_ body: () throws -> T) -> CentralServiceError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error as? CentralServiceError
    }
}
