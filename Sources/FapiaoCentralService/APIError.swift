import FapiaoCentralStore
import FapiaoCore
import Hummingbird
import Logging

/// An error answer of the HTTP API: a status and `{"error": "one sentence"}`.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String
    /// Seconds for `Retry-After` (503).
    var retryAfter: Int?

    init(_ status: HTTPResponse.Status, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
    }

    var response: Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"fapiao-central\"" }
        return Response.json(.object(["error": .string(message)]), status: status, headers: headers)
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
        case .methodNotAllowed:
            "\(request.method) is not allowed on \(request.uri.path); see the API description (openapi.yaml)."
        case .contentTooLarge:
            "The request body is larger than the \(maximumBodySize) bytes the centre accepts; push smaller batches."
        default:
            "The centre could not process the request (\(status.code) \(status.reasonPhrase))."
        }
    }
}
