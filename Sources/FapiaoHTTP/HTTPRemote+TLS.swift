import AsyncHTTPClient
import FapiaoRemote
import Foundation
import NIOSSL

extension HTTPRemote {
    // MARK: TLS failures

    /// The error for a request that failed because of TLS, or `nil` when TLS is not the cause.
    ///
    /// For an `https://` remote: a certificate that failed verification, told apart by
    /// connecting again (see ``TLSProbe``) into expired, another name and untrusted issuer; or a
    /// remote that answered in plain HTTP. For an `http://` remote whose connection closed or
    /// answered garbage: a probe tells whether it speaks TLS.
    func tlsFailure(_ error: any Error) async -> RemoteError? {
        let probeTimeout = min(timeouts.connect, .seconds(5))
        if secure {
            switch TLSFailureKind(error) {
            case .certificateRejected:
                let cause = await certificateProblem(timeout: probeTimeout)
                return RemoteError(
                    .untrustedCertificate,
                    "The certificate of \(endpoint) is not trusted: \(cause.sentence(host: host, roots: trustedRoots)); "
                        + "nothing was sent."
                )
            case .plainAnswer:
                return wrongSchemeError(speaking: false)
            case .otherHandshake:
                // Closed or refused during the handshake: a plain HTTP port that said nothing, or a TLS one.
                if case .notTLS = await TLSProbe.run(host: host, port: port, verify: nil, timeout: probeTimeout) {
                    return wrongSchemeError(speaking: false)
                }
                // The request goes only after the handshake: nothing was sent, so nothing is in doubt.
                return RemoteError(
                    .unreachable,
                    "Cannot reach \(endpoint) (the TLS handshake failed); nothing was sent, try again later."
                )
            case nil:
                return nil
            }
        }
        guard Self.connectFailure(error) == nil, !Self.isTimeout(error) else { return nil }
        if case .handshakeCompleted = await TLSProbe.run(host: host, port: port, verify: nil, timeout: probeTimeout) {
            return wrongSchemeError(speaking: true)
        }
        return nil
    }

    /// Whether the request failed by waiting too long (a slow remote, not a wrong scheme).
    static func isTimeout(_ error: any Error) -> Bool {
        guard let error = error as? HTTPClientError else { return false }
        return [.readTimeout, .deadlineExceeded, .connectTimeout, .tlsHandshakeTimeout].contains(error)
    }

    /// `http://` to a port that speaks TLS (`speaking`), or `https://` to one that does not.
    func wrongSchemeError(speaking tls: Bool) -> RemoteError {
        if tls {
            let https = "https://" + endpoint.dropFirst("http://".count)
            return RemoteError(
                .wrongScheme,
                "The remote at \(endpoint) answered with TLS, not HTTP: use \(https) (and --ca-file for a private CA)."
            )
        }
        let http = "http://" + endpoint.dropFirst("https://".count)
        return RemoteError(
            .wrongScheme,
            "The remote at \(endpoint) answered in plain HTTP, not TLS: serve it with --tls-cert and --tls-key, "
                + "or use \(http) on loopback only."
        )
    }

    /// Why the remote's certificate failed verification, found by connecting again.
    func certificateProblem(timeout: Duration) async -> CertificateProblem {
        guard
            case .handshakeCompleted(let leaf?) = await TLSProbe.run(
                host: host,
                port: port,
                verify: nil,
                timeout: timeout
            )
        else { return .unknown }
        let now = Date()
        if leaf.notValidAfter < now { return .expired(leaf.notValidAfter) }
        if leaf.notValidBefore > now { return .notYetValid(leaf.notValidBefore) }
        // The chain checked without the name: passing means the name is what failed.
        let withoutName = await TLSProbe.run(
            host: host,
            port: port,
            verify: TLSProbe.Verification(roots: trustedRoots, checkName: false),
            timeout: timeout
        )
        if case .handshakeCompleted = withoutName { return .nameMismatch }
        if case .rejected = withoutName { return .untrustedIssuer }
        return .unknown
    }
}

/// How a TLS handshake went wrong, read from the error AsyncHTTPClient passed on.
enum TLSFailureKind: Equatable {
    /// The remote's certificate failed verification.
    case certificateRejected
    /// The remote answered with bytes that are not TLS (plain HTTP).
    case plainAnswer
    /// Another failure during the handshake.
    case otherHandshake

    init?(_ error: any Error) {
        switch error {
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            self = .certificateRejected
        case let error as NIOSSLError:
            switch error {
            case .handshakeFailed(let inner):
                let text = "\(inner)"
                if text.contains("CERTIFICATE_VERIFY_FAILED") {
                    self = .certificateRejected
                } else if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST")
                    || text.contains("PACKET_LENGTH_TOO_LONG")
                {
                    self = .plainAnswer
                } else {
                    self = .otherHandshake
                }
            case .unableToValidateCertificate, .noCertificateToValidate:
                self = .certificateRejected
            default:
                self = .otherHandshake
            }
        case let error as BoringSSLError:
            self = "\(error)".contains("CERTIFICATE_VERIFY_FAILED") ? .certificateRejected : .otherHandshake
        default:
            return nil
        }
    }
}

/// Why a remote's certificate was not trusted.
enum CertificateProblem: Equatable {
    case expired(Date)
    case notYetValid(Date)
    case nameMismatch
    case untrustedIssuer
    case unknown

    /// The cause, as the middle of a sentence.
    func sentence(host: String, roots: TrustedRoots) -> String {
        let trusted = roots.file.map { "the CA file \($0)" } ?? "the system's trust store"
        switch self {
        case .expired(let date):
            return "it expired on \(Self.day(date))"
        case .notYetValid(let date):
            return "it is not valid before \(Self.day(date)) (is this machine's clock right?)"
        case .nameMismatch:
            return "it is not issued for \(host)"
        case .untrustedIssuer:
            return roots.file == nil
                ? "its issuer is not in \(trusted) (give HQ's CA with --ca-file)"
                : "its issuer is not in \(trusted) (is that the CA that issued it?)"
        case .unknown:
            return "it failed verification against \(trusted)"
        }
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
