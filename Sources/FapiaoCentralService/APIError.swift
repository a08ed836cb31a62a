import FapiaoCentralStore
import FapiaoCore
import Foundation
import Hummingbird
import Logging

/// An error answer of the HTTP API: a status and `{"error": "one sentence"}`.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    /// Seconds for `Retry-After` (503).
    var retryAfter: Int?
    /// The methods for `Allow` (405).
    var allow: [HTTPRequest.Method]?
    /// A word scripts and clients switch on (`chain-break`), sent as the body's `code`.
    var code: String?

    init(
        _ status: HTTPResponse.Status,
        _ message: String,
        retryAfter: Int? = nil,
        allow: [HTTPRequest.Method]? = nil,
        code: String? = nil
    ) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.allow = allow
        self.code = code
    }

    var response: Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let allow { headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"fapiao-central\"" }
        var body: [String: CanonicalJSON] = ["error": .string(Self.sentence(message))]
        if let code { body["code"] = .string(code) }
        return Response.json(.object(body), status: status, headers: headers)
    }

    /// `message` as one sentence, ending with a full stop.
    ///
    /// The stores word their refusals as clauses ("reason must not be empty when voiding an
    /// invoice"); every answer ends as a sentence.
    static func sentence(_ message: String) -> String {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return "The request was refused." }
        return text.hasSuffix(".") || text.hasSuffix("?") || text.hasSuffix("!") ? text : text + "."
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
}

extension Response {
    /// A JSON response in the canonical encoding.
    static func json(_ value: CanonicalJSON, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.bytes))
        )
    }
}

/// Turns every error into the API's error shape, so clients never see Hummingbird's own
/// format; a deliberately dropped connection passes through untouched.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maximumBodySize: Int

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ConnectionDropped {
            throw error
        } catch let error as APIError {
            return error.response
        } catch let error as any HTTPResponseError {
            // The router answers 404 for a known path asked with a method it does not take.
            if error.status == .notFound, let allowed = CentralService.methods(forPath: request.uri.path) {
                return APIError(
                    .methodNotAllowed,
                    "\(request.method) is not allowed on \(request.uri.path); it takes "
                        + allowed.map(\.rawValue).joined(separator: ", ") + " (see the API description, openapi.yaml).",
                    allow: allowed
                ).response
            }
            return APIError(error.status, sentence(for: error.status, request: request)).response
        } catch {
            context.logger.error(
                "request failed",
                metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(type(of: error))"]
            )
            return APIError(.internalServerError, "The centre failed to process the request; try again later.")
                .response
        }
    }

    private func sentence(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound:
            "There is no \(request.method) \(request.uri.path) endpoint; see the API description (openapi.yaml)."
        case .contentTooLarge:
            "The request body is larger than the \(maximumBodySize) bytes the centre accepts; push smaller batches."
        default:
            "The centre could not process the request (\(status.code) \(status.reasonPhrase))."
        }
    }
}
