import FapiaoCentralStore
import FapiaoCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Who is calling: the node whose token the request presented.
struct Caller: Sendable {
    var node: String
    /// Whether the node is the centre itself (HQ), which may edit and list any branch.
    var isHQ: Bool
}

extension CentralService {
    /// The caller named by the request's bearer token.
    ///
    /// - Throws: ``APIError`` 401 when there is no token or an unknown one. The token is never
    ///   logged or echoed.
    func authenticate(_ request: Request) throws -> Caller {
        guard let header = request.headers[.authorization] else {
            logger.notice("refused a request without a token", metadata: ["path": "\(request.uri.path)"])
            throw APIError(.unauthorized, "The request carries no bearer token; send Authorization: Bearer TOKEN.")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let node = tokens.node(presenting: parts[1].trimmingCharacters(in: .whitespaces))
        else {
            logger.notice("refused an unknown token", metadata: ["path": "\(request.uri.path)"])
            throw APIError(.unauthorized, "The bearer token is not known to this centre; check the node's token.")
        }
        return Caller(node: node, isHQ: node == store.node)
    }

    /// Requires the caller to be HQ.
    func requireHQ(_ caller: Caller, to action: String) throws {
        guard caller.isHQ else {
            logger.notice("refused a branch token at an HQ endpoint", metadata: ["node": "\(caller.node)"])
            throw APIError.forbidden("Only HQ (\(store.node)) may \(action); \(caller.node)'s token cannot.")
        }
    }

    /// The request body as JSON, at most ``Limits/maximumBodySize`` bytes, its bytes taken from
    /// the ``BodyAllowance`` until the request is answered (until this returns, outside a route).
    ///
    /// `parse` reads the bytes within the centre's limits: ``JSONValue/parse(_:limits:)``, or for a
    /// push ``WireFormat/readPush(_:limits:)``, which reads its invoices straight from their bytes.
    ///
    /// - Throws: ``APIError`` 413 for a larger body, 503 when the bodies held at once would go
    ///   past ``Limits/maximumBodyBytesInFlight``, 400 for one that is not JSON.
    func readJSON<Body>(
        _ request: Request,
        parse: ([UInt8], JSONValue.Limits) throws(JSONValue.SyntaxError) -> Body
    ) async throws -> Body {
        let tooLarge = APIError(
            .contentTooLarge,
            "The request body is larger than the \(limits.maximumBodySize) bytes the centre accepts; "
                + "push smaller batches."
        )
        // Read straight into the array the parser reads, so the body is held once; a body
        // announced larger than the limit is refused unread.
        var bytes: [UInt8] = []
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length >= 0 {
            guard length <= limits.maximumBodySize else { throw tooLarge }
            bytes.reserveCapacity(length)
        }
        // Inside a route the bytes are given back when the request has been answered.
        let ledger = BodyAllowance.ledger ?? BodyAllowance.Ledger()
        defer { if BodyAllowance.ledger == nil { bodies.give(ledger.taken) } }
        for try await chunk in request.body {
            guard chunk.readableBytes <= limits.maximumBodySize - bytes.count else { throw tooLarge }
            guard bodies.take(chunk.readableBytes) else {
                logger.notice(
                    "refused a request body: the bodies being read reach their limit",
                    metadata: ["path": "\(request.uri.path)", "bytes": "\(bodies.maximum)"]
                )
                throw APIError(
                    .serviceUnavailable,
                    "The centre already holds the \(bodies.maximum) bytes of request bodies it reads at once; "
                        + "nothing was applied, try again later.",
                    retryAfter: 1
                )
            }
            ledger.add(chunk.readableBytes)
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        do {
            return try parse(bytes, limits.document)
        } catch  where error.exceedsLimit {
            throw APIError.badRequest("The request body goes past the centre's limits (\(error)).")
        } catch {
            throw APIError.badRequest("The request body is not JSON (\(error)).")
        }
    }

    /// Runs a store call, turning its failures into API errors.
    ///
    /// An unavailable or unreachable store is 503 with `Retry-After` (nothing was applied);
    /// a commit in doubt 500 (the client sends the same operations again); an unknown invoice 404; an edit that breaks a rule 422; anything else 500, logged.
    func storeCall<T>(_ action: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CentralStoreError {
            if error.code != .chainBroken, error.code != .invoiceNotFound, error.code != .invalidEdit {
                metrics.recordStoreError(action: action, code: error.code.description)
            }
            switch error.code {
            case .unavailable, .unreachable:
                logger.warning("store unavailable", metadata: ["action": "\(action)", "reason": "\(error.message)"])
                throw APIError(
                    .serviceUnavailable,
                    "The central store cannot \(action) now; nothing was changed, try again later.",
                    retryAfter: limits.unavailableRetryAfter
                )
            case .inDoubt:
                logger.warning(
                    "store commit in doubt",
                    metadata: ["action": "\(action)", "reason": "\(error.message)"]
                )
                throw APIError(
                    .internalServerError,
                    "The central store lost its connection while committing; the change may or may not have been "
                        + "applied. Send it again: operation ids make a replay safe."
                )
            case .invoiceNotFound:
                throw APIError.notFound(error.message)
            case .invalidEdit:
                throw APIError(.unprocessableContent, error.message)
            case .chainBroken:
                logger.notice("refused a push: the branch's chain is broken", metadata: ["action": "\(action)"])
                throw APIError(.conflict, error.message, code: "chain-break")
            default:
                logger.error("store failed", metadata: ["action": "\(action)", "reason": "\(error.message)"])
                throw APIError(
                    .internalServerError,
                    "The central store failed to \(action); the operator must check it."
                )
            }
        }
    }

    /// The `id` path parameter as a UUID.
    func invoiceID(_ context: CentralRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidText: text) else {
            throw APIError.badRequest("The invoice id in the path must be a UUID.")
        }
        return id
    }
}
