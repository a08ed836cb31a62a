import AsyncHTTPClient
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

extension HTTPRemote {
    // MARK: Classifying failures

    /// A failure of the connection: `unreachable` when no connection could be made (nothing was
    /// sent), else `inDoubt`, whether the answer never started or was cut off.
    func transportFailure(_ error: any Error, action: String, answerStarted: Bool, writes: Bool) -> RemoteError {
        logger.debug("remote transport failure", metadata: ["error": "\(type(of: error))", "action": "\(action)"])
        if let shutdown = error as? HTTPClientError, shutdown == .alreadyShutdown {
            return RemoteError(.unreachable, "The connection to \(endpoint) was already shut down; nothing was sent.")
        }
        if !answerStarted, let reason = Self.connectFailure(error) {
            return RemoteError(.unreachable, "Cannot reach \(endpoint) (\(reason)); nothing was sent, try again later.")
        }
        let reason: String
        if let error = error as? HTTPClientError, error == .readTimeout {
            reason = "no answer within \(timeouts.read)"
        } else if let error = error as? HTTPClientError, error == .deadlineExceeded {
            reason = "no complete answer within \(timeouts.request)"
        } else if answerStarted {
            reason = "the answer was cut off"
        } else {
            reason = "the connection closed before an answer came"
        }
        return RemoteError(
            .inDoubt,
            "\(endpoint) did not \(action) (\(reason))\(Self.doubt(writes))."
        )
    }

    /// Why a connection could not be made, or `nil` when the error happened on a connection.
    static func connectFailure(_ error: any Error) -> String? {
        switch error {
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty { return "host name not found" }
            return error.connectionErrors.compactMap { connectFailure($0.error) }.first ?? "connection failed"
        case let error as HTTPClientError where error == .connectTimeout || error == .getConnectionFromPoolTimeout:
            return "connection timed out"
        case let error as HTTPClientError where error == .tlsHandshakeTimeout:
            return "TLS handshake timed out"
        case let error as ChannelError:
            if case .connectTimeout = error { return "connection timed out" }
            return nil
        case is SocketAddressError:
            return "host name not found"
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN: return "no route to the host"
            case EADDRNOTAVAIL: return "address not available"
            case ETIMEDOUT: return "connection timed out"
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The error for an answer with a non-2xx status.
    func statusFailure(
        _ status: Int,
        headers: HTTPHeaders,
        body: ByteBuffer,
        action: String,
        writes: Bool
    ) -> RemoteError {
        let said = Self.errorSentence(in: body).map { ": \($0)" } ?? ""
        switch status {
        case 401:
            return RemoteError(
                .authenticationRefused,
                "\(endpoint) refused the token (401)\(said)"
            )
        case 403:
            return RemoteError(.forbidden, "\(endpoint) refused to \(action) for this token (403)\(said).")
        case 409 where Self.errorCode(in: body) == "chain-break":
            return RemoteError(.chainBreak, "\(endpoint) refused to \(action) (409)\(said).")
        case 429, 503:
            let retryAfter = headers.first(name: "Retry-After").flatMap { Self.retryAfter($0, now: Date()) }
            return RemoteError(
                .busy,
                "\(endpoint) is busy (\(status))\(said)",
                retryAfter: retryAfter
            )
        case 500, 502, 504, 506..<600:
            return RemoteError(
                .inDoubt,
                "\(endpoint) failed to \(action) (\(status))\(said)\(Self.doubt(writes))."
            )
        default:
            return RemoteError(.protocolViolation, "\(endpoint) could not \(action) (\(status))\(said).")
        }
    }

    /// The end of an in-doubt message: what the lost answer means.
    static func doubt(_ writes: Bool) -> String {
        writes ? "; it may have been applied, so it will be retried unchanged" : "; try again later"
    }

    /// The one sentence of an `{"error": "…"}` body, shortened, or `nil`.
    static func errorSentence(in body: ByteBuffer) -> String? {
        guard let json = try? JSONValue.parse(body.readableBytesView),
            case .string(let text) = try? WireObject(json, context: "error").value("error")
        else { return nil }
        var sentence = text.replacingOccurrences(of: "\n", with: " ")
        while sentence.hasSuffix(".") { sentence.removeLast() }
        return sentence.count > 300 ? String(sentence.prefix(300)) + "…" : sentence
    }

    /// The `code` member of an error body (`chain-break`), or `nil`.
    static func errorCode(in body: ByteBuffer) -> String? {
        guard let json = try? JSONValue.parse(body.readableBytesView),
            case .string(let code) = try? WireObject(json, context: "error").value("code")
        else { return nil }
        return code
    }

    /// A `Retry-After` value: whole seconds, or an HTTP date.
    ///
    /// - Parameters:
    ///   - value: the header's value.
    ///   - now: the current time, for an HTTP date.
    /// - Returns: how long to wait, never negative; `nil` for an unreadable value.
    public static func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return .seconds(max(0, Int64(date.timeIntervalSince(now).rounded(.up))))
            }
        }
        return nil
    }

    static func pathComponent(_ text: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
