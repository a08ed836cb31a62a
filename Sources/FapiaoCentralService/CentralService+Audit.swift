import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Hummingbird
import Logging

extension CentralService {
    /// `GET /v1/branches/{branch}/audit`: where the branch's audit chain stands at the centre
    /// (the branch's own token or HQ's).
    func anchorState(_ request: Request, context: CentralRequestContext) async throws -> Response {
        let branch = try auditBranch(request, context: context, action: "read")
        let state = try await storeCall("read the anchored audit") { try await store.anchorState(branch: branch) }
        return .json(state.canonicalJSON)
    }

    /// `POST /v1/branches/{branch}/audit` with an ``AuditShipment``: anchors the entries that
    /// continue the branch's chain, or records a chain break (answered 200 with the break: the
    /// shipment was understood; the branch's next push is the one refused).
    func anchor(_ request: Request, context: CentralRequestContext) async throws -> Response {
        let caller = try authenticate(request)
        let branch = try auditBranch(context)
        guard caller.node == branch else {
            logger.notice("refused an audit shipment for another branch", metadata: ["node": "\(caller.node)"])
            throw APIError.forbidden("\(caller.node)'s token may ship only its own audit, not \(branch)'s.")
        }
        let body = try await readJSONBody(request) { bytes, limits throws(JSONValue.SyntaxError) in
            try AuditShipment.readBody(bytes, limits: limits)
        }
        let shipment: AuditShipment
        do {
            shipment = try AuditShipment(wire: body)
        } catch  where error.isUnprocessable {
            throw APIError(.unprocessableContent, "The audit shipment cannot be anchored: \(error.message).")
        } catch {
            throw APIError.badRequest("The audit shipment is malformed: \(error.message).")
        }
        let state = try await storeCall("anchor the audit") { try await store.anchor(shipment, from: branch) }
        if let found = state.unacknowledgedBreak {
            metrics.recordChainBreak(branch: branch)
            alerts?.offer(AlertDispatcher.chainBreak(found, branch: branch, epoch: state.epoch, at: now()))
            logger.error(
                "chain break",
                metadata: [
                    "branch": "\(branch)", "anchored": "\(found.anchored.sequence)",
                    "branchHead": "\(found.branchHead.sequence)", "reason": "\(found.reason)",
                ]
            )
        } else {
            logger.info(
                "anchored",
                metadata: [
                    "branch": "\(branch)", "entries": "\(shipment.entries.count)", "head": "\(state.head.sequence)",
                ]
            )
        }
        return .json(state.canonicalJSON)
    }

    /// The branch in the path, which the caller may `action`.
    private func auditBranch(_ request: Request, context: CentralRequestContext, action: String) throws -> String {
        let caller = try authenticate(request)
        let branch = try auditBranch(context)
        guard caller.isHQ || caller.node == branch else {
            logger.notice("refused an audit request for another branch", metadata: ["node": "\(caller.node)"])
            throw APIError.forbidden("\(caller.node)'s token may \(action) only its own audit, not \(branch)'s.")
        }
        return branch
    }

    private func auditBranch(_ context: CentralRequestContext) throws -> String {
        let branch = context.parameters.get("branch") ?? ""
        guard TokenRegistry.isValidNode(branch) else {
            throw APIError.badRequest("The branch in the path must be a node name \(nodeNameRule).")
        }
        return branch
    }
}
