import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Hummingbird
import Logging

extension CentralService {
    /// `GET /v1/health`, without a token.
    func health() async throws -> Response {
        let count = try await storeCall("count invoices") { try await store.invoiceCount() }
        return .json(HealthReport(status: "ok", node: store.node, store: store.kind, invoices: count).canonicalJSON)
    }

    /// `POST /v1/invoices/lookup` with `{"ids": [UUID, …]}`.
    ///
    /// A branch sees only its own invoices: another branch's are reported missing.
    func lookup(_ request: Request, context: CentralRequestContext) async throws -> Response {
        let caller = try authenticate(request)
        let json = try await readJSONBody(request)
        var ids: [UUID] = []
        do throws(WireError) {
            let object = try WireObject(json, context: "request")
            for (index, element) in try object.array("ids").enumerated() {
                guard case .string(let text) = element, let id = UUID(uuidText: text) else {
                    throw WireError("request.ids[\(index)] must be a UUID")
                }
                ids.append(id)
            }
        } catch {
            throw APIError.badRequest("The lookup request is malformed: \(error.message).")
        }
        let found = try await storeCall("look up invoices") { try await store.lookup(ids) }
        return .json(visible(found, to: caller).canonicalJSON)
    }

    /// `GET /v1/invoices/{id}`: the centre's current version, or 404.
    func invoice(_ request: Request, context: CentralRequestContext) async throws -> Response {
        let caller = try authenticate(request)
        let id = try invoiceID(context)
        let found = try await storeCall("look up invoices") { try await store.lookup([id]) }
        guard let version = visible(found, to: caller).found.first else {
            throw APIError.notFound("The centre holds no invoice \(id.uuidText) for \(caller.node).")
        }
        return .json(WireFormat.encode(version))
    }

    /// `POST /v1/invoices/{id}/amend` with `{"fields": {…}}` or `…/void` with `{"reason": …}`,
    /// for HQ only; `"actor"` names the person, else HQ's node is recorded.
    func edit(_ request: Request, context: CentralRequestContext, void: Bool) async throws -> Response {
        let caller = try authenticate(request)
        try requireHQ(caller, to: void ? "void invoices" : "amend invoices")
        let id = try invoiceID(context)
        let json = try await readJSONBody(request)
        let change: CentralEdit.Change
        let actor: String
        do throws(WireError) {
            let object = try WireObject(json, context: "request")
            let named = try object.optionalString("actor")
            // A name holds something besides white space and control characters.
            let visible = { (scalar: Unicode.Scalar) in
                !scalar.properties.isWhitespace && scalar.properties.generalCategory != .control
            }
            guard named.map({ $0.unicodeScalars.contains(where: visible) }) != false else {
                throw WireError("request.actor must name who makes the change, or be left out")
            }
            actor = named ?? caller.node
            if void {
                change = .void(reason: try object.string("reason"))
            } else {
                let fields = try WireObject(try object.value("fields"), context: "request.fields")
                var changes: [String: String] = [:]
                for (key, value) in fields.members {
                    guard case .string(let text) = value else {
                        throw WireError("request.fields.\(key) must be a string")
                    }
                    changes[key] = text
                }
                guard !changes.isEmpty else { throw WireError("request.fields names no field to change") }
                change = .amend(changes)
            }
        } catch {
            throw APIError.badRequest("The \(void ? "void" : "amend") request is malformed: \(error.message).")
        }
        let edit = CentralEdit(change, actor: actor, at: now())
        let version = try await storeCall(void ? "void the invoice" : "amend the invoice") {
            try await store.edit(id, edit)
        }
        logger.info(
            void ? "voided" : "amended",
            metadata: ["invoice": "\(id.uuidText)", "node": "\(caller.node)", "operation": "\(edit.operationID)"]
        )
        return .json(WireFormat.encode(version))
    }

    /// `GET /v1/branches/{branch}/changes?since=N&limit=M&scope=S`: the branch's own token or HQ's.
    ///
    /// `scope` is `elsewhere` (the default: changes made by another node) or `all` (the branch's
    /// own changes too).
    func changes(_ request: Request, context: CentralRequestContext) async throws -> Response {
        let caller = try authenticate(request)
        let branch = context.parameters.get("branch") ?? ""
        guard TokenRegistry.isValidNode(branch) else {
            throw APIError.badRequest("The branch in the path must be a node name \(nodeNameRule).")
        }
        guard caller.isHQ || caller.node == branch else {
            logger.notice("refused a changes listing of another branch", metadata: ["node": "\(caller.node)"])
            throw APIError.forbidden("\(caller.node)'s token may list only its own changes, not \(branch)'s.")
        }
        let query = request.uri.queryParameters
        var since: Int64 = 0
        if let text = query["since"] {
            guard let value = Int64(String(text)), value >= 0 else {
                throw APIError.badRequest("since must be a change number of 0 or more.")
            }
            since = value
        }
        var limit = limits.defaultChangesPage
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...limits.maximumChangesPage).contains(value) else {
                throw APIError.badRequest("limit must be a whole number from 1 to \(limits.maximumChangesPage).")
            }
            limit = value
        }
        var scope = ChangeScope.elsewhere
        if let text = query["scope"] {
            guard let value = ChangeScope(rawValue: String(text)) else {
                throw APIError.badRequest("scope must be elsewhere (the default) or all.")
            }
            scope = value
        }
        let page = try await storeCall("list changes") {
            try await store.changes(branch: branch, since: since, limit: limit, scope: scope)
        }
        return .json(page.canonicalJSON)
    }

    /// `lookup` as `caller` may see it: HQ sees everything, a branch only its own invoices.
    private func visible(_ lookup: InvoiceLookup, to caller: Caller) -> InvoiceLookup {
        guard !caller.isHQ else { return lookup }
        var result = InvoiceLookup(found: [], missing: lookup.missing)
        for version in lookup.found {
            if version.invoice.branch == caller.node {
                result.found.append(version)
            } else {
                result.missing.append(version.invoice.id)
            }
        }
        return result
    }
}
