import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Hands one document to one target: a program's standard input, or a webhook's POST body.
public enum NotificationDelivery {
    /// - Parameters:
    ///   - bytes: the document (a JSON line, or a mail message).
    ///   - target: where it goes.
    ///   - environment: variables added for a program (`FAPIAO_ALERT_KIND`, `FAPIAO_NOTICE_KIND`, …).
    ///   - contentType: the webhook's `Content-Type`.
    ///   - timeout: how long the program or the webhook may take.
    /// - Returns: why it failed, or "" when it was delivered (a program's exit 0, a 2xx answer).
    public static func send(
        _ bytes: [UInt8],
        to target: NotificationTarget,
        environment: [String: String] = [:],
        contentType: String = "application/json",
        timeout: Duration = .seconds(30)
    ) async -> String {
        switch target {
        case .command(let words):
            return await NotificationProgram.run(words, input: bytes, environment: environment, timeout: timeout)
        case .webhook(let url):
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: bytes))
            do {
                let response = try await HTTPClient.shared.execute(
                    request,
                    timeout: .milliseconds(timeout.components.seconds * 1000)
                )
                _ = try? await response.body.collect(upTo: 64 << 10)
                return (200..<300).contains(Int(response.status.code)) ? "" : "answered \(response.status.code)"
            } catch {
                return "\(error)"
            }
        }
    }
}
