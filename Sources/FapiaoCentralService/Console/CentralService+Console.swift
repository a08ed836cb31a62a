import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension CentralService {
    /// The console's endpoints, added to the router when `serve --console` enables it.
    func addConsole(_ console: HQConsole, to router: Router<CentralRequestContext>) {
        router.get("/console") { request, _ in
            try await consolePage(request, console) { try await branchesPage(console) }
        }
        router.get("/console/branches/:branch") { request, context in
            let branch = context.parameters.get("branch") ?? ""
            return try await consolePage(request, console) { try await branchPage(branch, console) }
        }
        router.get("/console/invoices") { request, _ in
            let query = request.uri.queryParameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            return try await consolePage(request, console) { try await invoicesPage(query) }
        }
        router.get("/console/invoices/:id") { request, context in
            let id = context.parameters.get("id").flatMap(UUID.init(uuidText:))
            return try await consolePage(request, console) { try await invoicePage(id) }
        }
        router.get("/console/login") { request, _ in
            if let code = request.uri.queryParameters["code"].map(String.init) {
                guard let session = console.redeem(code) else {
                    return Self.html(
                        ConsoleTemplates.render(
                            "login",
                            ["title": "Log in", "failed": "That login link was used or expired."]
                        ),
                        status: .unauthorized
                    )
                }
                logger.notice("console login", metadata: ["by": "link"])
                return Self.loggedIn(session)
            }
            return Self.html(ConsoleTemplates.render("login", ["title": "Log in"]))
        }
        router.post("/console/login") { request, _ in
            try await bodies.holding { try await consoleLogin(request, console) }
        }
    }

    /// A page for HQ only: a live session cookie or HQ's bearer token; else the login page.
    private func consolePage(
        _ request: Request,
        _ console: HQConsole,
        _ page: () async throws -> (template: String, context: [String: Any], status: HTTPResponse.Status)
    ) async throws -> Response {
        let session = Self.cookie("fapiao_console", in: request).map(console.isValid) ?? false
        if !session {
            guard request.headers[.authorization] != nil else {
                return Response(status: .seeOther, headers: [.location: "/console/login"])
            }
            try requireHQ(try authenticate(request), to: "read the console")
        }
        let (template, context, status) = try await page()
        var full = context
        full["generated"] = "\(now()) · \(store.kind) store · node \(store.node)"
        return Self.html(ConsoleTemplates.render(template, full), status: status)
    }

    private func consoleLogin(_ request: Request, _ console: HQConsole) async throws -> Response {
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= 4096 else {
                throw APIError(.contentTooLarge, "The login form is larger than 4096 bytes.")
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        let form = String(decoding: bytes, as: UTF8.self)
        let token =
            form.split(separator: "&").compactMap { pair -> String? in
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0] == "token" else { return nil }
                return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }.first?.trimmingCharacters(in: .whitespaces) ?? ""
        guard tokens.node(presenting: token) == store.node else {
            logger.notice("refused a console login")
            return Self.html(
                ConsoleTemplates.render("login", ["title": "Log in", "failed": "That is not HQ's token."]),
                status: .unauthorized
            )
        }
        logger.notice("console login", metadata: ["by": "token"])
        return Self.loggedIn(console.startSession())
    }

    // MARK: Pages

    private func branchesPage(_ console: HQConsole) async throws -> (String, [String: Any], HTTPResponse.Status) {
        let overviews = try await storeCall("list the branches") { try await store.branchOverviews() }
        let instant = now()
        var rows: [[String: Any]] = []
        for overview in overviews {
            let detail = try await storeCall("read a branch") {
                try await store.branchDetail(overview.branch, limit: 48)
            }
            var row = ConsoleText.branch(overview, now: instant, silentAfter: console.silentAfter)
            row["spark"] = ConsoleText.chart(detail.outboxHistory, width: 120, height: 24)
            rows.append(row)
        }
        return ("branches", ["title": "Branches", "branches": rows, "hasBranches": !rows.isEmpty], .ok)
    }

    private func branchPage(
        _ branch: String,
        _ console: HQConsole
    ) async throws -> (
        String, [String: Any], HTTPResponse.Status
    ) {
        let overviews = try await storeCall("list the branches") { try await store.branchOverviews() }
        guard let overview = overviews.first(where: { $0.branch == branch }) else {
            return ("invoices", ["title": "Not found", "query": branch, "hasInvoices": false], .notFound)
        }
        let detail = try await storeCall("read a branch") { try await store.branchDetail(branch, limit: 100) }
        var context = ConsoleText.branch(overview, now: now(), silentAfter: console.silentAfter)
        context["title"] = branch
        context["chart"] = ConsoleText.chart(detail.outboxHistory, width: 480, height: 80)
        let rejections = detail.rejections.map { rejection -> [String: Any] in
            [
                "at": rejection.at?.description ?? "", "invoiceID": rejection.invoiceID,
                "invoiceShort": String(rejection.invoiceID.prefix(8)), "reason": rejection.reason,
            ]
        }
        context["rejections"] = rejections
        context["hasRejections"] = !rejections.isEmpty
        context["rejectedTotal"] = overview.rejected
        if let found = overview.chain.unacknowledgedBreak {
            context["break"] = [
                "reason": found.reason, "detectedAt": found.detectedAt.description,
                "anchoredSequence": found.anchored.sequence, "anchoredHash": String(found.anchored.hash.prefix(16)),
                "branchSequence": found.branchHead.sequence, "branchHash": String(found.branchHead.hash.prefix(16)),
                "branch": branch,
            ]
        }
        return ("branch", context, .ok)
    }

    private func invoicesPage(_ query: String) async throws -> (String, [String: Any], HTTPResponse.Status) {
        guard !query.isEmpty else { return ("invoices", ["title": "Invoices", "hasInvoices": false], .ok) }
        let limit = 200
        let found = try await storeCall("search invoices") {
            try await store.searchInvoices(String(query.prefix(200)), limit: limit + 1)
        }
        let rows = found.prefix(limit).map(ConsoleText.invoiceRow)
        return (
            "invoices",
            [
                "title": "Invoices", "query": query, "invoices": Array(rows), "hasInvoices": !rows.isEmpty,
                "more": found.count > limit, "shown": limit,
            ],
            .ok
        )
    }

    private func invoicePage(_ id: UUID?) async throws -> (String, [String: Any], HTTPResponse.Status) {
        guard let id else { return ("invoices", ["title": "Not found", "hasInvoices": false], .notFound) }
        let history = try await storeCall("read an invoice's history") { try await store.invoiceHistory(id) }
        guard let current = history.current else {
            return ("invoices", ["title": "Not found", "query": id.uuidText, "hasInvoices": false], .notFound)
        }
        var context = ConsoleText.invoiceRow(current)
        let invoice = current.invoice
        context["title"] = invoice.number
        context["sellerTaxID"] = invoice.seller.taxID
        context["buyerTaxID"] = invoice.buyer.taxID
        context["net"] = invoice.net.decimalText
        context["tax"] = invoice.tax.decimalText
        context["currency"] = invoice.gross.currency
        context["clock"] = current.clock.description
        let operations = history.operations.map { operation -> [String: Any] in
            [
                "appliedAt": operation.appliedAt?.description ?? "", "kind": operation.kind, "node": operation.node,
                "clock": operation.clock.description, "operationShort": String(operation.operationID.prefix(8)),
            ]
        }
        let entries = history.entries.map { branch, entry -> [String: Any] in
            [
                "branch": branch, "sequence": entry.sequence, "wallTime": entry.wallTime.description,
                "actor": entry.actor, "event": entry.event.rawValue, "clock": entry.clock.description,
                "details": String(entry.detailsText.prefix(300)),
            ]
        }
        context["operations"] = operations
        context["hasOperations"] = !operations.isEmpty
        context["entries"] = entries
        context["hasEntries"] = !entries.isEmpty
        return ("invoice", context, .ok)
    }

    // MARK: Responses

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
        for (name, value) in [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")] {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func loggedIn(_ session: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = "/console"
        headers[.setCookie] =
            "fapiao_console=\(session); Path=/console; HttpOnly; SameSite=Strict; Max-Age=\(HQConsole.sessionLifetime / 1000)"
        return Response(status: .seeOther, headers: headers)
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == name { return String(parts[1]) }
            }
        }
        return nil
    }
}
