import FapiaoCore
import Foundation
import Hummingbird
import Logging

extension CentralService {
    /// Every endpoint of ``router()``: its path (`:name` stands for one segment) and methods.
    ///
    /// A known path asked with another method is answered 405 naming these.
    static let endpoints: [(path: [Substring], methods: [HTTPRequest.Method])] = [
        ("/v1/health", [.get]),
        ("/metrics", [.get]),
        ("/v1/push", [.post]),
        ("/v1/invoices/lookup", [.post]),
        ("/v1/invoices/:id", [.get]),
        ("/v1/invoices/:id/amend", [.post]),
        ("/v1/invoices/:id/void", [.post]),
        ("/v1/branches/:branch/changes", [.get]),
        ("/v1/branches/:branch/audit", [.get, .post]),
    ].map { (path: $0.0.split(separator: "/"), methods: $0.1) }

    /// The methods the endpoint at `path` takes, or `nil` when no endpoint is there.
    ///
    /// As in the router, a fixed segment wins over a parameter (`/v1/invoices/lookup` is not an
    /// invoice id).
    static func methods(forPath path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/")
        let matching = endpoints.filter { endpoint in
            endpoint.path.count == segments.count
                && zip(endpoint.path, segments).allSatisfy { pattern, segment in
                    pattern.hasPrefix(":") || pattern == segment
                }
        }
        let parameters = { (endpoint: (path: [Substring], methods: [HTTPRequest.Method])) in
            endpoint.path.filter { $0.hasPrefix(":") }.count
        }
        return matching.min { parameters($0) < parameters($1) }?.methods
    }

    /// The JSON body of a request that must carry one (see ``readJSON(_:parse:)``), declared as JSON
    /// by its head.
    ///
    /// - Throws: ``APIError`` 415 for a body not declared `application/json` (in UTF-8), 400
    ///   for one that ends before its announced length or its chunked framing ends; and what
    ///   ``readJSON(_:parse:)`` throws.
    func readJSONBody(_ request: Request) async throws -> JSONValue {
        try await readJSONBody(request) { bytes, limits throws(JSONValue.SyntaxError) in
            try JSONValue.parse(bytes, limits: limits)
        }
    }

    /// The JSON body as ``readJSONBody(_:)`` reads it, parsed by `parse` (see
    /// ``CentralService/readJSON(_:parse:)``).
    func readJSONBody<Body>(
        _ request: Request,
        parse: ([UInt8], JSONValue.Limits) throws(JSONValue.SyntaxError) -> Body
    ) async throws -> Body {
        guard Self.isJSON(request.headers[.contentType]) else {
            let given = request.headers[.contentType].map { ", not \($0.prefix(100))" }
            throw APIError(
                .unsupportedMediaType,
                "The request body must be JSON in UTF-8, sent with Content-Type: application/json"
                    + (given ?? "; the request names no Content-Type") + "."
            )
        }
        do {
            return try await readJSON(request, parse: parse)
        } catch let error as APIError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            // The body stream fails only when the client's framing does: a connection closed
            // before the announced length, a broken chunk.
            logger.notice(
                "refused a request body cut short",
                metadata: ["path": "\(request.uri.path)", "error": "\(type(of: error))"]
            )
            throw APIError.badRequest(
                "The request body ended before its announced length, or its chunked framing is broken; "
                    + "nothing was applied."
            )
        }
    }

    /// Whether a Content-Type names JSON: `application/json`, in any case, with no charset or
    /// UTF-8's.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == "application/json" else { return false }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0] == "charset" else { continue }
            guard ["utf-8", "utf8"].contains(pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))) else {
                return false
            }
        }
        return true
    }
}

/// What ``TokenRegistry/isValidNode(_:)`` takes, for messages.
let nodeNameRule = "(\(NodeName.rule))"
