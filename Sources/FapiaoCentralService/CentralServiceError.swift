import FapiaoCentralStore
import FapiaoCore

/// A failure setting up the central service: its tokens file, fault plan, TLS files or listening socket.
///
/// Shaped like NIO's `FileSystemError`: a code to switch on, one sentence for a person.
public struct CentralServiceError: CategorizedError, Hashable, Sendable {
    /// What kind of failure; new codes may be added, so a `switch` needs a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case tokensFileNotFound, tokensFileTooOpen, tokensFileMalformed, tokensFileInaccessible
            case nodeAlreadyHasToken, invalidNode, invalidFaultSpec, cannotListen
            case tlsFileNotFound, invalidTLSFile
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No tokens file at the path.
        public static let tokensFileNotFound = Code(.tokensFileNotFound)
        /// The tokens file may be read or written by the group or others; it must be mode 0600.
        public static let tokensFileTooOpen = Code(.tokensFileTooOpen)
        /// A line of the tokens file is not `NODE SHA256HEX`, or a node or digest appears twice.
        public static let tokensFileMalformed = Code(.tokensFileMalformed)
        /// The tokens file cannot be created, read or appended to.
        public static let tokensFileInaccessible = Code(.tokensFileInaccessible)
        /// `token add` was asked for a node that already has a token.
        public static let nodeAlreadyHasToken = Code(.nodeAlreadyHasToken)
        /// A node id is empty or holds characters other than letters, digits, `.`, `_` and `-`.
        public static let invalidNode = Code(.invalidNode)
        /// A fault specification (`--fault`) cannot be read.
        public static let invalidFaultSpec = Code(.invalidFaultSpec)
        /// The service could not bind its listening address.
        public static let cannotListen = Code(.cannotListen)
        /// A TLS certificate or key file (`--tls-cert`, `--tls-key`) does not exist or cannot be read.
        public static let tlsFileNotFound = Code(.tlsFileNotFound)
        /// A TLS certificate or key file is not PEM, holds no certificate or key, or the key does
        /// not match the certificate.
        public static let invalidTLSFile = Code(.invalidTLSFile)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What went wrong and what to do, one sentence.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// What the failure means for HQ's operator; the exit code follows from it.
    public var category: ErrorCategory {
        switch code {
        case .tokensFileNotFound: .notFound
        case .tokensFileTooOpen: .permission
        case .tokensFileMalformed: .foreignFile
        case .tokensFileInaccessible: .ioError
        case .nodeAlreadyHasToken: .alreadyExists
        case .cannotListen: .unavailable
        case .tlsFileNotFound: .notFound
        case .invalidTLSFile: .usage
        case .invalidNode, .invalidFaultSpec: .usage
        default: .internalFailure
        }
    }
}
