import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Hummingbird
import Logging

extension CentralService {
    /// `POST /v1/push`: applies a branch's batch, one outcome per processed operation, in order.
    ///
    /// Items that cannot be read are answered `rejected` without reaching the store; the
    /// others go to the store in one call, in request order. A batch holding another branch's
    /// invoice is refused whole (403) before anything is applied.
    func push(_ request: Request, context: CentralRequestContext) async throws -> Response {
        let caller = try authenticate(request)
        let started = ContinuousClock.now
        let injection = faults.nextPush()
        if let delay = injection.delay { try await Task.sleep(for: delay) }
        switch injection.fault {
        case .refuse:
            logPush(node: caller.node, fault: .refuse, started: started)
            try await context.dropConnection()
        case .http500:
            logPush(node: caller.node, fault: .http500, started: started)
            throw APIError(
                .internalServerError,
                "The centre failed to process the push (injected fault); nothing was applied."
            )
        case .http503(let retryAfter):
            logPush(node: caller.node, fault: injection.fault, started: started)
            throw APIError(
                .serviceUnavailable,
                "The centre is busy (injected fault); nothing was applied, try again later.",
                retryAfter: retryAfter
            )
        default:
            break
        }

        let read = try await readJSONBody(request) { bytes, limits throws(JSONValue.SyntaxError) in
            try WireFormat.readPush(bytes, limits: limits)
        }
        let body = read.value
        // Counted before any operation is decoded or hashed: the work a push costs is bounded.
        if case .object(let members) = body,
            case .array(let list)? = members.first(where: { $0.key == "operations" })?.value,
            list.count > limits.maximumOperationsPerPush
        {
            throw APIError(
                .contentTooLarge,
                "The push carries \(list.count) operations; the centre takes at most "
                    + "\(limits.maximumOperationsPerPush) per push (fapiao sync --batch); nothing was applied."
            )
        }
        let (branch, allItems) = try pushItems(read, caller: caller)
        let items = injection.fault == .partial ? Array(allItems.prefix(allItems.count / 2)) : allItems
        let operations = items.compactMap { item -> InvoiceOperation? in
            if case .operation(let operation) = item { return operation }
            return nil
        }
        let stored =
            operations.isEmpty
            ? [] : try await storeCall("take the push") { try await store.push(operations, from: branch) }
        guard stored.count == operations.count else {
            logger.error("store answered the wrong number of outcomes", metadata: ["branch": "\(branch)"])
            throw APIError(
                .internalServerError,
                "The central store answered the push incompletely; the operator must check it."
            )
        }
        var storedOutcomes = stored.makeIterator()
        let outcomes = items.map { item in
            switch item {
            case .operation:
                // Counted above: one stored outcome per operation item.
                storedOutcomes.next()
                    ?? OperationOutcome(operationID: zeroID, outcome: .deferred(reason: "not processed"))
            case .malformed(let id, let reason):
                OperationOutcome(operationID: id ?? zeroID, outcome: .rejected(reason: reason))
            }
        }
        logPush(node: branch, fault: injection.fault, started: started, operations: allItems.count, outcomes: outcomes)
        metrics.recordPush(branch: branch, outcomes: outcomes, elapsed: ContinuousClock.now - started)
        alertOutcomes(outcomes, branch: branch)
        if injection.fault == .dropReply {
            try await context.dropConnection()
        }
        return .json(WireFormat.pushResponse(outcomes))
    }

    /// Reads the batch and checks the caller may push every readable operation in it.
    private func pushItems(_ body: WireFormat.PushBody, caller: Caller) throws -> (String, [WireFormat.PushItem]) {
        let branch: String
        let items: [WireFormat.PushItem]
        do {
            (branch, items) = try WireFormat.pushItems(from: body)
        } catch {
            throw APIError.badRequest("The push request is malformed: \(error.message).")
        }
        guard TokenRegistry.isValidNode(branch) else {
            throw APIError.badRequest(
                "The push request is malformed: request.branch must be a node name \(nodeNameRule)."
            )
        }
        guard branch == caller.node else {
            logger.notice("refused a push for another branch", metadata: ["node": "\(caller.node)"])
            throw APIError.forbidden(
                "\(caller.node)'s token cannot push for branch \(branch); use that branch's own token. Nothing was applied."
            )
        }
        for case .operation(let operation) in items where operation.invoice.branch != branch {
            logger.notice("refused a push holding another branch's invoice", metadata: ["node": "\(caller.node)"])
            throw APIError.forbidden(
                "Operation \(operation.id.uuidText) is for an invoice of branch \(operation.invoice.branch), "
                    + "which \(caller.node) may not push; nothing in the batch was applied."
            )
        }
        return (branch, items)
    }

    /// One alert per push for its rejections, one for its conflicts (each re-sent at most per
    /// the dispatcher's interval, with the count of those held back).
    private func alertOutcomes(_ outcomes: [OperationOutcome], branch: String) {
        guard let alerts else { return }
        var rejected: [(UUID, String)] = []
        var conflicts: [(UUID, String)] = []
        for outcome in outcomes {
            switch outcome.outcome {
            case .rejected(let reason): rejected.append((outcome.operationID, reason))
            case .conflict(let kind, let remote): conflicts.append((remote.invoice.id, kind.rawValue))
            default: break
            }
        }
        let at = now()
        if let (operation, reason) = rejected.last {
            alerts.offer(
                Alert(
                    kind: .rejected,
                    branch: branch,
                    key: "rejected:\(branch)",
                    message: "The centre rejected \(rejected.count) operation(s) of \(branch); the last: \(reason)",
                    details: ["count": .integer(Int64(rejected.count)), "operationID": .string(operation.uuidText)],
                    at: at
                )
            )
        }
        if let (invoice, kind) = conflicts.last {
            alerts.offer(
                Alert(
                    kind: .conflict,
                    branch: branch,
                    key: "conflict:\(branch)",
                    message: "\(conflicts.count) new conflict(s) of \(branch) wait for a person; the last: \(kind).",
                    details: ["count": .integer(Int64(conflicts.count)), "invoiceID": .string(invoice.uuidText)],
                    at: at
                )
            )
        }
    }

    /// One log line per push: who, how many, what came of them, how long it took.
    private func logPush(
        node: String,
        fault: FaultPlan.Fault?,
        started: ContinuousClock.Instant,
        operations: Int? = nil,
        outcomes: [OperationOutcome] = []
    ) {
        var metadata: Logger.Metadata = ["branch": "\(node)"]
        if let operations { metadata["operations"] = "\(operations)" }
        var counts: [String: Int] = [:]
        for outcome in outcomes { counts[outcome.outcome.name, default: 0] += 1 }
        for (name, count) in counts { metadata[name] = "\(count)" }
        if let fault { metadata["fault"] = "\(fault)" }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        metadata["ms"] = "\(milliseconds)"
        logger.info("push", metadata: metadata)
    }
}

/// The operation id answered for an item whose own id could not be read.
private let zeroID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
