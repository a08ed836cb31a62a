import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// One TLS handshake with a remote and nothing more, to tell why a request failed.
///
/// It tells whether the port speaks TLS at all, and what its certificate says. No request and
/// no token is sent.
enum TLSProbe {
    /// What the handshake is checked against; `nil` in ``run(host:port:verify:timeout:)`` checks nothing.
    struct Verification {
        var roots: TrustedRoots
        /// Whether the name in the certificate must be the host's.
        var checkName: Bool
    }

    /// The dates of the remote's own certificate.
    struct PeerCertificate: Equatable {
        var notValidBefore: Date
        var notValidAfter: Date
    }

    enum Result: Equatable {
        /// The handshake completed; the remote's certificate, when it sent one.
        case handshakeCompleted(PeerCertificate?)
        /// The remote speaks TLS, but its certificate failed the verification asked for.
        case rejected
        /// The remote answered with bytes that are not TLS (plain HTTP, say).
        case notTLS
        /// The connection was made but the handshake failed otherwise (closed, an alert).
        case failed
        /// No connection could be made in time.
        case unreachable
    }

    static func run(host: String, port: Int, verify: Verification?, timeout: Duration) async -> Result {
        var configuration = verify?.roots.clientConfiguration ?? TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification =
            switch verify {
            case nil: .none
            case let verify? where verify.checkName: .fullVerification
            case _?: .noHostnameVerification
            }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            return .unreachable
        }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let handshake = loop.makePromise(of: Void.self)
        let serverName = Self.isAddress(host) ? nil : host
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout.timeAmount)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            try NIOSSLClientHandler(context: context, serverHostname: serverName),
                            HandshakeWatcher(handshake)
                        )
                    }
                }
                .connect(host: host, port: port)
                .get()
        } catch {
            handshake.fail(error)
            return .unreachable
        }
        let deadline = loop.scheduleTask(in: timeout.timeAmount) {
            handshake.fail(ChannelError.connectTimeout(timeout.timeAmount))
        }
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        do {
            try await handshake.futureResult.get()
        } catch {
            return switch error {
            case ChannelError.connectTimeout: .unreachable
            default:
                switch TLSFailureKind(error) {
                case .certificateRejected: .rejected
                case .plainAnswer: .notTLS
                default: .failed
                }
            }
        }
        let leaf = try? await channel.nioSSL_peerCertificate().get()
        return .handshakeCompleted(
            leaf.map {
                PeerCertificate(
                    notValidBefore: Date(timeIntervalSince1970: TimeInterval($0.notValidBefore)),
                    notValidAfter: Date(timeIntervalSince1970: TimeInterval($0.notValidAfter))
                )
            }
        )
    }

    /// Whether `host` is an IP address (sent without SNI, as AsyncHTTPClient does).
    static func isAddress(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
    }
}

/// Completes a promise when the TLS handshake completes, fails it when the connection errs or closes first.
private final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let promise: EventLoopPromise<Void>

    init(_ promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { promise.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
