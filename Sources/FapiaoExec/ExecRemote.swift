import FapiaoCore
import FapiaoRemote
import Foundation

/// A ``RemoteAdapter`` that runs a site's own program and speaks `Schema/exec-protocol.md` with
/// it over standard input and output, as git does with remote helpers.
///
/// One program process serves the adapter's requests one at a time, from the first request
/// until ``shutdown()``. A program that cannot start, ends, hangs past the timeout or writes
/// something that breaks the protocol is stopped, and the failure classified as for HTTP: a
/// push whose answer did not arrive is in doubt (the engine re-sends it with the same
/// operation ids), a read is unreachable. The next request starts the program again.
public actor ExecRemote: RemoteAdapter {
    public nonisolated let endpoint: String
    private let program: String
    private let arguments: [String]
    private let branch: String
    private let token: String?
    private let timeout: Duration
    private let environment: [String: String]

    /// The least time a program is given to answer the handshake.
    static let minimumHandshakeTimeout: Duration = .seconds(30)

    private var session: ExecSession?
    private var nextID: Int64 = 1
    /// The protocol version the program chose at the handshake (0 before it).
    private var protocolVersion: Int64 = 0
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Creates the adapter; the program is started by the first request.
    ///
    /// - Parameters:
    ///   - program: the program's path, or a name looked up in `$PATH`.
    ///   - arguments: its arguments.
    ///   - branch: this branch's node id, sent in the handshake and in `$FAPIAO_BRANCH`.
    ///   - token: a secret handed over in `$FAPIAO_TOKEN` (never on the command line), if any.
    ///   - timeout: how long to wait for each answer before the program is stopped.
    ///   - environment: variables added to the program's environment (which is this process's).
    public init(
        program: String,
        arguments: [String],
        branch: String,
        token: String?,
        timeout: Duration = .seconds(30),
        environment: [String: String] = [:]
    ) {
        self.environment = environment
        self.program = program
        self.arguments = arguments
        self.branch = branch
        self.token = token
        self.timeout = timeout
        self.endpoint = RemoteLocation.exec(program: program, arguments: arguments).description
    }

    // MARK: RemoteAdapter

    public func health() async throws -> HealthReport {
        let json = try await exchange(method: "health", params: .object([:]), action: "reporting its health")
        return try decode("its health") { () throws(WireError) in try HealthReport(json: json) }
    }

    public func push(_ operations: [StoredOperation], branch: String) async throws -> [OperationOutcome] {
        guard !operations.isEmpty else { return [] }
        let json = try await exchange(writes: true, action: "answering a push of \(operations.count)") { id in
            ExecMessage.pushRequest(id: id, branch: branch, operations: operations)
        }
        let outcomes = try decode("the push", writes: true) { () throws(WireError) in
            try WireFormat.outcomes(from: json)
        }
        let partial = (try? WireObject(json, context: "result").bool("partial")) ?? false
        guard outcomes.count <= operations.count, partial || outcomes.count == operations.count,
            zip(outcomes, operations).allSatisfy({ $0.operationID == $1.id })
        else {
            throw RemoteError.unreadableAnswer(
                "\(endpoint) answered a push of \(operations.count) with \(outcomes.count) outcomes that do not "
                    + "match the operations sent, in order (and no \"partial\":true); the batch is in doubt and "
                    + "will be sent again with the same operation ids."
            )
        }
        return outcomes
    }

    public func lookup(_ ids: [UUID]) async throws -> InvoiceLookup {
        guard !ids.isEmpty else { return InvoiceLookup(found: [], missing: []) }
        let params = CanonicalJSON.object(["ids": .array(ids.map { .string($0.uuidText) })])
        let json = try await exchange(method: "lookup", params: params, action: "answering a lookup")
        return try decode("the lookup") { () throws(WireError) in try InvoiceLookup(json: json) }
    }

    public func changes(branch: String, since cursor: Int64, limit: Int, scope: ChangeScope) async throws -> ChangePage
    {
        let params = CanonicalJSON.object([
            "branch": .string(branch), "since": .integer(cursor), "limit": .integer(Int64(limit)),
            "scope": .string(scope.rawValue),
        ])
        let json = try await exchange(method: "changes", params: params, action: "listing changes")
        return try decode("the changes") { () throws(WireError) in try ChangePage(json: json) }
    }

    /// `anchorState` (protocol 2); a program that chose protocol 1 does not anchor audit chains.
    public func anchorState(branch: String) async throws -> AnchorState {
        try await requireAnchoring()
        let json = try await exchange(
            method: "anchorState",
            params: .object(["branch": .string(branch)]),
            action: "reporting the anchored audit"
        )
        return try decode("the anchored audit") { () throws(WireError) in try AnchorState(wire: json) }
    }

    /// `anchor` (protocol 2): the shipment as the HTTP API's body, with the branch.
    public func anchor(_ shipment: AuditShipment, branch: String) async throws -> AnchorState {
        try await requireAnchoring()
        let params = CanonicalJSON.object(["branch": .string(branch), "shipment": shipment.canonicalJSON])
        let json = try await exchange(writes: true, action: "anchoring the audit") { id in
            ExecMessage.request(id: id, method: "anchor", params: params).bytes
        }
        return try decode("the anchored audit", writes: true) { () throws(WireError) in try AnchorState(wire: json) }
    }

    /// Starts the program if needed; throws `.unsupported` when it chose protocol 1.
    private func requireAnchoring() async throws {
        await acquire()
        defer { release() }
        _ = try await runningSession()
        guard protocolVersion >= 2 else {
            throw RemoteError(
                .unsupported,
                "\(endpoint) speaks exec protocol \(protocolVersion), which does not anchor audit chains (2 does)."
            )
        }
    }

    public func shutdown() async {
        await acquire()
        defer { release() }
        if let session {
            self.session = nil
            await session.finish(grace: .seconds(5))
        }
    }

    // MARK: Requests

    private func exchange(method: String, params: CanonicalJSON, action: String) async throws -> JSONValue {
        try await exchange(writes: false, action: action) { id in
            ExecMessage.request(id: id, method: method, params: params).bytes
        }
    }

    /// Sends one request and reads its reply, one request at a time.
    private func exchange(
        writes: Bool,
        action: String,
        request: (Int64) -> [UInt8]
    ) async throws -> JSONValue {
        await acquire()
        defer { release() }
        let session = try await runningSession()
        let id = nextID
        nextID += 1
        let reply: ExecMessage.Reply
        do {
            try await session.write(request(id), timeout: timeout)
            reply = try ExecMessage.reply(try await session.nextLine(timeout: timeout), id: id, endpoint: endpoint)
        } catch {
            self.session = nil
            session.stop()
            await session.settle()
            throw failure(error, session: session, action: action, writes: writes)
        }
        switch reply {
        case .result(let value): return value
        case .failure(let error): throw error
        }
    }

    /// The running program, started and greeted if there is none.
    private func runningSession() async throws -> ExecSession {
        if let session { return session }
        let path = try resolvedProgram()
        var environment = ProcessInfo.processInfo.environment.merging(self.environment) { $1 }
        environment["FAPIAO_BRANCH"] = branch
        environment["FAPIAO_EXEC_PROTOCOL"] = String(ExecMessage.versions.max() ?? 1)
        if let token { environment["FAPIAO_TOKEN"] = token }
        let session: ExecSession
        do {
            session = try ExecSession(program: path, arguments: arguments, environment: environment)
        } catch {
            throw RemoteError(.unreachable, "\(endpoint): \(error.message).")
        }
        do {
            // Starting may take longer than answering (an interpreter, a log-in): the handshake
            // gets at least half a minute whatever the per-answer timeout.
            let handshakeTimeout = max(timeout, Self.minimumHandshakeTimeout)
            try await session.write(ExecMessage.hello(branch: branch).bytes, timeout: handshakeTimeout)
            protocolVersion = try ExecMessage.helloReply(try await session.nextLine(timeout: handshakeTimeout)).version
        } catch {
            session.stop()
            await session.settle()
            throw failure(
                error,
                session: session,
                action: "answering the handshake",
                writes: false,
                timeout: max(timeout, Self.minimumHandshakeTimeout)
            )
        }
        self.session = session
        return session
    }

    /// The program's path: as given when it names a directory, else found in `$PATH`.
    private func resolvedProgram() throws -> String {
        let files = FileManager.default
        var candidates = [program]
        if !program.contains("/") {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            candidates = path.split(separator: ":").map { "\($0)/\(program)" }
        }
        var isDirectory: ObjCBool = false
        guard
            let found = candidates.first(where: {
                files.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
            })
        else {
            throw RemoteError(
                .unreachable,
                "\(endpoint): the program \(program) does not exist; check the path given to --remote exec:."
            )
        }
        guard files.isExecutableFile(atPath: found) else {
            throw RemoteError(
                .unreachable,
                "\(endpoint): the program \(found) is not executable; run `chmod +x \(found)`."
            )
        }
        return found
    }

    /// The ``RemoteError`` for a failed exchange with `session`.
    private func failure(
        _ error: any Error,
        session: ExecSession,
        action: String,
        writes: Bool,
        timeout: Duration? = nil
    ) -> RemoteError {
        let timeout = timeout ?? self.timeout
        let doubt = writes ? "; the batch is in doubt and will be sent again with the same operation ids" : ""
        switch error {
        case let error as RemoteError:
            return error
        case let error as ExecProtocolError:
            return RemoteError(
                .protocolViolation,
                "\(endpoint) broke the protocol while \(action): \(error.message)\(doubt)."
            )
        case ExecSession.Failure.timedOut:
            let said = session.lastDiagnostic.map { " (it said: \($0))" } ?? ""
            return RemoteError(
                writes ? .inDoubt : .unreachable,
                "\(endpoint) did not finish \(action) within \(timeout) and was stopped\(said)\(doubt)."
            )
        case ExecSession.Failure.overlong:
            let message =
                "\(endpoint) wrote a line longer than \(ExecSession.maximumLineLength >> 20) MiB while \(action)\(doubt)."
            return writes ? .unreadableAnswer(message) : RemoteError(.protocolViolation, message)
        case ExecSession.Failure.ended:
            return RemoteError(
                writes ? .inDoubt : .unreachable,
                "\(endpoint) stopped while \(action): \(session.endDescription)\(doubt)."
            )
        case ExecSession.Failure.writeFailed:
            return RemoteError(
                writes ? .inDoubt : .unreachable,
                "\(endpoint) stopped while \(action): \(session.endDescription)\(doubt)."
            )
        default:
            return RemoteError(
                writes ? .inDoubt : .unreachable,
                "\(endpoint) failed while \(action): \(error)\(doubt)."
            )
        }
    }

    private func decode<T>(
        _ what: String,
        writes: Bool = false,
        _ body: () throws(WireError) -> T
    ) throws(RemoteError)
        -> T
    {
        do {
            return try body()
        } catch {
            let doubt = writes ? "; the batch is in doubt and will be sent again with the same operation ids" : ""
            throw RemoteError(
                .protocolViolation,
                "\(endpoint) answered \(what) with a malformed result: \(error)\(doubt)."
            )
        }
    }

    // MARK: One request at a time

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
