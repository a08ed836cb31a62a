import FapiaoCore

/// A failure talking to a remote, classified by what it means for the operations sent.
///
/// Shaped like NIO's `FileSystemError`: a ``Kind`` scripts and the engine switch on (new kinds
/// may be added), one sentence for a person, and the underlying cause when there is one.
public struct RemoteError: CategorizedError, Hashable, Sendable {
    /// What the failure means for the operations sent; new kinds may be added.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case unreachable, inDoubt, busy, authenticationRefused, forbidden, protocolViolation
            case chainBreak, unsupported, untrustedCertificate, wrongScheme
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The request never reached the remote (connection refused, no route, DNS, a program
        /// that cannot be started): nothing was applied.
        public static let unreachable = Kind(.unreachable)
        /// The request may have been applied but no usable answer came back (timeout,
        /// connection reset, a server error, a program that died): the operations are in doubt.
        public static let inDoubt = Kind(.inDoubt)
        /// The remote answered that it cannot take the request now and applied nothing
        /// (503 or 429); `retryAfter` says when to try again, if it said.
        public static let busy = Kind(.busy)
        /// The credentials were refused (401).
        public static let authenticationRefused = Kind(.authenticationRefused)
        /// The credentials are valid but not for this (403): pushing another branch's invoice.
        public static let forbidden = Kind(.forbidden)
        /// The remote answered something this client cannot read (400, a malformed body).
        public static let protocolViolation = Kind(.protocolViolation)

        /// The centre refuses the branch's pushes: its audit chain is broken.
        ///
        /// It does not continue the one anchored there, and HQ has not acknowledged the break.
        /// Nothing was applied.
        public static let chainBreak = Kind(.chainBreak)
        /// The remote does not offer this request.
        ///
        /// An `exec:` program of an earlier protocol version asked to anchor the audit, say.
        /// Nothing was applied.
        public static let unsupported = Kind(.unsupported)
        /// The remote's TLS certificate failed verification; nothing was sent.
        ///
        /// An issuer the branch does not trust, another name, or out of its validity period.
        /// Not retried: a person must install the right CA file or fix the certificate, and the
        /// token is never sent to a remote whose identity is unproven.
        public static let untrustedCertificate = Kind(.untrustedCertificate)
        /// The URL's scheme is wrong; nothing was applied.
        ///
        /// The remote speaks TLS to an `http://` URL, or plain HTTP to an `https://` one.
        public static let wrongScheme = Kind(.wrongScheme)

        public var description: String { value.rawValue }
    }

    public var kind: Kind
    /// One sentence for the person reading the sync log.
    public var message: String
    /// How long the remote asked us to wait.
    public var retryAfter: Duration?
    /// The underlying error, if any (kept for logs; not part of equality).
    public var cause: (any Error & Sendable)?
    /// Set when a request that reached the remote got an answer that cannot be read: whatever
    /// its kind, the operations sent may have been applied.
    private var answerUnreadable = false

    public init(_ kind: Kind, _ message: String, retryAfter: Duration? = nil, cause: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
        self.cause = cause
    }

    /// A protocol violation in the answer to a push the remote received: the operations sent
    /// are in doubt, and the run stops (a remote that breaks the protocol is not retried blindly).
    public static func unreadableAnswer(_ message: String) -> RemoteError {
        var error = RemoteError(.protocolViolation, message)
        error.answerUnreadable = true
        return error
    }

    public var description: String { message }

    /// Whether trying again later may succeed.
    public var isTransient: Bool { [.unreachable, .inDoubt, .busy].contains(kind) }

    /// Whether operations sent with the failed request may have been applied.
    public var mayHaveApplied: Bool { kind == .inDoubt || answerUnreadable }

    public var category: ErrorCategory {
        if isTransient { return .unavailable }
        if kind == .authenticationRefused || kind == .forbidden { return .permission }
        if kind == .chainBreak { return .chainBreak }
        // A certificate the branch cannot trust is a refused credential, the remote's rather than
        // the branch's: 77, like a refused token, because retrying later cannot help (69 says it may).
        if kind == .untrustedCertificate { return .permission }
        if kind == .wrongScheme { return .usage }
        return .protocolViolation
    }

    public static func == (lhs: RemoteError, rhs: RemoteError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message && lhs.retryAfter == rhs.retryAfter
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(message)
        hasher.combine(retryAfter)
    }
}
