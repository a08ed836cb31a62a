import FapiaoCore
import FapiaoRemote
import Foundation
import Synchronization

/// A ``FapiaoSync/RemoteAdapter`` around another one that fails the way a unit test scripts it.
///
/// Each push takes the next ``Fault`` from the push script (``Fault/passThrough`` once the
/// script is empty); each health check takes the next ``HealthFault`` from the health script,
/// or the standing ``outage(_:)`` when the script is empty. A push holding a poisoned
/// operation (``poison(_:mode:)``) fails whatever the script says, without using it.
///
/// Every call is counted, and every push is recorded with the operations sent and what the
/// wrapped remote answered for those forwarded to it, whether or not that answer reached
/// the engine: a test can tell exactly which operations landed and how often.
public final class FaultyRemote: RemoteAdapter {
    /// What one push does.
    public enum Fault: Hashable, Sendable {
        /// Forwards the push and returns the wrapped remote's answers.
        case passThrough
        /// Throws the error before forwarding: nothing reaches the wrapped remote.
        case fail(RemoteError)
        /// Forwards the push, then throws `.inDoubt`: the remote applied it, the reply was lost.
        case loseReply
        /// Forwards only the first `count` operations and answers for those alone (a partial batch).
        case partial(Int)

        /// The connection is refused: nothing was sent.
        public static let unreachable = Fault.fail(RemoteError(.unreachable, "connection refused (scripted)"))
        /// The credentials are refused (401).
        public static let authenticationRefused = Fault.fail(
            RemoteError(.authenticationRefused, "the remote refused the branch's token (scripted)")
        )
        /// The credentials are not valid for this push (403).
        public static let forbidden = Fault.fail(RemoteError(.forbidden, "the remote forbids this push (scripted)"))

        /// The remote is busy (503) and applied nothing.
        /// - Parameter retryAfter: the Retry-After the remote sends, if any.
        /// - Returns: the fault.
        public static func busy(retryAfter: Duration?) -> Fault {
            .fail(RemoteError(.busy, "the remote is busy (scripted)", retryAfter: retryAfter))
        }
    }

    /// What one health check does.
    public enum HealthFault: Hashable, Sendable {
        /// Throws the error.
        case fail(RemoteError)
        /// Answers, with this status instead of `ok`.
        case unhealthy(String)
    }

    /// How a push holding a poisoned operation fails.
    public enum PoisonMode: Hashable, Sendable {
        /// Throws `.inDoubt` before forwarding anything.
        case beforeForwarding
        /// Forwards the other operations of the push, then throws `.inDoubt`.
        case afterForwardingOthers
    }

    /// One push as the wrapper saw it.
    public struct PushCall: Hashable, Sendable {
        /// The operations sent, in order.
        public var operationIDs: [UUID]
        /// What the wrapped remote answered for the operations forwarded to it (none when
        /// the push failed before forwarding).
        public var remoteAnswers: [OperationOutcome]
        /// Whether the caller received ``remoteAnswers``; `false` when the reply was lost.
        public var answerDelivered: Bool
    }

    private struct State {
        var pushScript: [Fault] = []
        var healthScript: [HealthFault] = []
        var outage: HealthFault?
        var poisoned: [UUID: PoisonMode] = [:]
        var pushes: [PushCall] = []
        var healthChecks = 0
        var beforePush: (@Sendable (Int) async -> Void)?
    }

    /// The remote every forwarded call goes to.
    public let base: any RemoteAdapter
    private let state = Mutex(State())

    /// Wraps `base`; until something is scripted, every call passes through.
    /// - Parameter base: the remote to forward to.
    public init(wrapping base: any RemoteAdapter) {
        self.base = base
    }

    public var endpoint: String { base.endpoint }

    // MARK: Scripting

    /// Appends faults for the next pushes, in order.
    /// - Parameter faults: one fault per push call.
    public func script(_ faults: Fault...) {
        state.withLock { $0.pushScript.append(contentsOf: faults) }
    }

    /// Appends `fault` for the next `count` pushes.
    /// - Parameters:
    ///   - fault: the fault.
    ///   - count: how many push calls it applies to.
    public func script(_ fault: Fault, times count: Int) {
        state.withLock { $0.pushScript.append(contentsOf: repeatElement(fault, count: count)) }
    }

    /// Appends faults for the next health checks, in order.
    /// - Parameter faults: one fault per health check.
    public func scriptHealth(_ faults: HealthFault...) {
        state.withLock { $0.healthScript.append(contentsOf: faults) }
    }

    /// Makes every health check fail with `fault` once the health script is used up; `nil` ends the outage.
    /// - Parameter fault: the standing health failure.
    public func outage(_ fault: HealthFault?) {
        state.withLock { $0.outage = fault }
    }

    /// Makes every push holding `operationID` fail with `.inDoubt`.
    /// - Parameters:
    ///   - operationID: the operation the remote chokes on.
    ///   - mode: whether the other operations of such a push reach the wrapped remote.
    public func poison(_ operationID: UUID, mode: PoisonMode = .beforeForwarding) {
        state.withLock { $0.poisoned[operationID] = mode }
    }

    /// Stops failing pushes that hold poisoned operations.
    public func curePoison() {
        state.withLock { $0.poisoned.removeAll() }
    }

    /// Runs `hook` with the 1-based push number before each push is handled, for a test to
    /// act while the engine waits for the remote (ask it to stop, take its lease away).
    /// - Parameter hook: the action; `nil` removes it.
    public func beforePush(_ hook: (@Sendable (Int) async -> Void)?) {
        state.withLock { $0.beforePush = hook }
    }

    // MARK: Observation

    /// Every push so far, in order.
    public var pushes: [PushCall] { state.withLock { $0.pushes } }

    /// How many pushes were made.
    public var pushCount: Int { state.withLock { $0.pushes.count } }

    /// How many health checks were made.
    public var healthCheckCount: Int { state.withLock { $0.healthChecks } }

    /// Every operation id sent, in order, repeats included.
    public var pushedOperationIDs: [UUID] { state.withLock { $0.pushes.flatMap(\.operationIDs) } }

    /// Faults scripted but not used yet.
    public var unusedFaults: Int { state.withLock { $0.pushScript.count + $0.healthScript.count } }

    /// How many times the wrapped remote answered each operation with `outcome`'s name
    /// (`accepted`, `duplicate`, …), delivered or not.
    /// - Parameter name: a ``FapiaoCore/PushOutcome/name``.
    /// - Returns: the count per operation id.
    public func remoteAnswerCounts(_ name: String) -> [UUID: Int] {
        var counts: [UUID: Int] = [:]
        for call in pushes {
            for answer in call.remoteAnswers where answer.outcome.name == name {
                counts[answer.operationID, default: 0] += 1
            }
        }
        return counts
    }

    // MARK: RemoteAdapter

    public func health() async throws -> HealthReport {
        let fault = state.withLock { state -> HealthFault? in
            state.healthChecks += 1
            return state.healthScript.isEmpty ? state.outage : state.healthScript.removeFirst()
        }
        switch fault {
        case .fail(let error)?:
            throw error
        case .unhealthy(let status)?:
            var report = try await base.health()
            report.status = status
            return report
        case nil:
            return try await base.health()
        }
    }

    public func push(_ operations: [StoredOperation], branch: String) async throws -> [OperationOutcome] {
        let ids = operations.map(\.id)
        let (number, fault, poison, hook) = state.withLock { state in
            let poison = ids.compactMap { state.poisoned[$0] }.first
            let fault: Fault =
                poison != nil || state.pushScript.isEmpty ? .passThrough : state.pushScript.removeFirst()
            state.pushes.append(PushCall(operationIDs: ids, remoteAnswers: [], answerDelivered: false))
            return (state.pushes.count, fault, poison, state.beforePush)
        }
        await hook?(number)
        if let poison {
            if poison == .afterForwardingOthers {
                let healthy = state.withLock { state in operations.filter { state.poisoned[$0.id] == nil } }
                _ = try await forward(healthy, branch: branch, call: number, delivered: false)
            }
            throw RemoteError(.inDoubt, "the remote failed while applying the push (scripted poison)")
        }
        switch fault {
        case .passThrough:
            return try await forward(operations, branch: branch, call: number, delivered: true)
        case .fail(let error):
            throw error
        case .loseReply:
            _ = try await forward(operations, branch: branch, call: number, delivered: false)
            throw RemoteError(.inDoubt, "the connection was reset after the push was sent (scripted)")
        case .partial(let count):
            return try await forward(Array(operations.prefix(count)), branch: branch, call: number, delivered: true)
        }
    }

    public func lookup(_ ids: [UUID]) async throws -> InvoiceLookup {
        try await base.lookup(ids)
    }

    public func changes(
        branch: String,
        since cursor: Int64,
        limit: Int,
        scope: ChangeScope
    ) async throws -> ChangePage {
        try await base.changes(branch: branch, since: cursor, limit: limit, scope: scope)
    }

    public func anchorState(branch: String) async throws -> AnchorState {
        try await base.anchorState(branch: branch)
    }

    public func anchor(_ shipment: AuditShipment, branch: String) async throws -> AnchorState {
        try await base.anchor(shipment, branch: branch)
    }

    public func shutdown() async {
        await base.shutdown()
    }

    /// Pushes `operations` to the wrapped remote and records its answers on push `call`.
    private func forward(
        _ operations: [StoredOperation],
        branch: String,
        call: Int,
        delivered: Bool
    ) async throws -> [OperationOutcome] {
        guard !operations.isEmpty else {
            state.withLock { $0.pushes[call - 1].answerDelivered = delivered }
            return []
        }
        let answers = try await base.push(operations, branch: branch)
        state.withLock { state in
            state.pushes[call - 1].remoteAnswers = answers
            state.pushes[call - 1].answerDelivered = delivered
        }
        return answers
    }
}
