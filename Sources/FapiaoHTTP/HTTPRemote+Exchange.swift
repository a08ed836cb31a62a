import AsyncHTTPClient
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

extension HTTPRemote {
    // MARK: Exchange

    /// Sends one request and returns its JSON answer.
    func call(
        _ method: HTTPMethod,
        _ path: String,
        body: CanonicalJSON? = nil,
        action: String
    ) async throws(RemoteError) -> JSONValue {
        try await call(method, path, bytes: body?.bytes, action: action)
    }

    func call(
        _ method: HTTPMethod,
        _ path: String,
        bytes body: [UInt8]?,
        action: String
    ) async throws(RemoteError) -> JSONValue {
        // A 404 is an error unless `absentOn404`, so the answer is never nil here.
        guard let json = try await call(method, path, body: body, action: action, absentOn404: false) else {
            throw RemoteError(.protocolViolation, "\(endpoint) gave no answer to \(action).")
        }
        return json
    }

    func call(
        _ method: HTTPMethod,
        _ path: String,
        body: [UInt8]?,
        action: String,
        absentOn404: Bool
    ) async throws(RemoteError) -> JSONValue? {
        // Whether the request changes the centre, so that a lost answer leaves it in doubt.
        let writes = method == .POST && !path.hasSuffix("/lookup")
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization { request.headers.add(name: "Authorization", value: authorization.value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(request, deadline: .now() + timeouts.request.timeAmount)
        } catch {
            if let failure = await tlsFailure(error) { throw failure }
            throw transportFailure(error, action: action, answerStarted: false, writes: writes)
        }
        do {
            bytes = try await response.body.collect(upTo: maximumAnswerSize)
        } catch is NIOTooManyBytesError {
            throw RemoteError(.protocolViolation, "\(endpoint) sent an answer larger than \(maximumAnswerSize) bytes.")
        } catch {
            throw transportFailure(error, action: action, answerStarted: true, writes: writes)
        }
        let status = Int(response.status.code)
        logger.debug("remote answered", metadata: ["method": "\(method)", "path": "\(path)", "status": "\(status)"])
        if absentOn404, status == 404 { return nil }
        guard (200..<300).contains(status) else {
            throw statusFailure(status, headers: response.headers, body: bytes, action: action, writes: writes)
        }
        do {
            return try JSONValue.parse(bytes.readableBytesView)
        } catch {
            throw RemoteError(
                .protocolViolation,
                "\(endpoint) answered \(action) with a body that is not JSON (\(error))."
            )
        }
    }

    func decode<T>(_ what: String, _ body: () throws(WireError) -> T) throws(RemoteError) -> T {
        do {
            return try body()
        } catch {
            throw RemoteError(.protocolViolation, "\(endpoint) sent an unreadable answer to \(what): \(error.message).")
        }
    }
}
