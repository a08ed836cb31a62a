import FapiaoCore
import FapiaoJournal
import Foundation

/// Why a sync run stopped before the outbox was empty.
///
/// Shaped like the other errors of the seams: an extensible ``Kind``, one sentence, and the
/// ``category`` the executables turn into an exit code.
public struct SyncStop: Hashable, Sendable, CustomStringConvertible {
    /// Why the run stopped; new kinds may be added.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case remoteUnavailable, authenticationRefused, forbidden, protocolViolation, interrupted, leaseLost
            case chainBreak, untrustedCertificate, wrongScheme
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The remote could not be reached, or kept failing, or asked for a long wait.
        public static let remoteUnavailable = Kind(.remoteUnavailable)
        /// The remote refused the branch's credentials.
        public static let authenticationRefused = Kind(.authenticationRefused)
        /// The remote refused this branch's push (another branch's invoice).
        public static let forbidden = Kind(.forbidden)
        /// The remote answered something this client cannot read.
        public static let protocolViolation = Kind(.protocolViolation)
        /// Asked to stop (SIGTERM); the batch in flight was finished first.
        public static let interrupted = Kind(.interrupted)
        /// Another sync took the lease over.
        public static let leaseLost = Kind(.leaseLost)
        /// The centre found that the branch's audit chain does not continue the one it holds,
        /// and refuses the branch's pushes until HQ acknowledges the break.
        public static let chainBreak = Kind(.chainBreak)
        /// The remote's TLS certificate failed verification; nothing was sent.
        public static let untrustedCertificate = Kind(.untrustedCertificate)
        /// The remote's URL names the wrong scheme (`http://` to a TLS port, or the reverse).
        public static let wrongScheme = Kind(.wrongScheme)

        public var description: String { value.rawValue }
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// What the stop means for the exit code; `nil` for a stop on request, after which the
    /// run's own result stands.
    public var category: ErrorCategory? {
        switch kind {
        case .authenticationRefused, .forbidden, .untrustedCertificate: .permission
        case .wrongScheme: .usage
        case .protocolViolation: .protocolViolation
        case .leaseLost: .busy
        case .chainBreak: .chainBreak
        case .interrupted: nil
        default: .unavailable
        }
    }
}
