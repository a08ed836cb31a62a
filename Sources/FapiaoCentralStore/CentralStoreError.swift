import FapiaoCore
import FapiaoRemote
import Foundation

/// Why a store refused a request as a whole.
public struct CentralStoreError: CategorizedError, Hashable, Sendable {
    /// What kind of failure; new codes may be added, so a `switch` needs a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case invoiceNotFound
            case invalidEdit
            case unavailable
            case damaged
            case notFound
            case notACentralStore
            case newerVersion
            case nodeMismatch
            case unreachable
            case inDoubt
            case invalidLocation
            case authenticationRefused
            case busy
            case ioError
            case chainBroken
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The centre holds no invoice with that id.
        public static let invoiceNotFound = Code(.invoiceNotFound)
        /// A central edit breaks an invoice rule, or the invoice cannot be changed.
        public static let invalidEdit = Code(.invalidEdit)
        /// The store cannot serve now (closed, busy, disk full, I/O error); nothing was changed.
        public static let unavailable = Code(.unavailable)
        /// The store's file or a stored version is damaged.
        public static let damaged = Code(.damaged)
        /// No store at the given place, and the caller did not ask to create one.
        public static let notFound = Code(.notFound)
        /// The file is not a Fapiao central store (a branch journal, another application's
        /// database, random bytes); it was left unchanged.
        public static let notACentralStore = Code(.notACentralStore)
        /// The store was written by a newer Fapiao; it was left unchanged.
        public static let newerVersion = Code(.newerVersion)
        /// The store was created for another central node id.
        public static let nodeMismatch = Code(.nodeMismatch)
        /// The store's database server cannot be reached, or the connection broke before the
        /// transaction was committed: nothing was changed.
        public static let unreachable = Code(.unreachable)
        /// The connection broke while the transaction was being committed.
        ///
        /// It may or may not have been applied. Sending the same operations again is safe (operation ids).
        public static let inDoubt = Code(.inDoubt)
        /// The store's location (a `postgres://` URL, its options) is malformed.
        public static let invalidLocation = Code(.invalidLocation)
        /// The database server refused the store's credentials.
        public static let authenticationRefused = Code(.authenticationRefused)
        /// Another process holds the store's write lock; nothing was changed, try again shortly.
        public static let busy = Code(.busy)
        /// Reading or writing the store's file failed, or its disk is full; nothing was changed.
        public static let ioError = Code(.ioError)
        /// The branch's audit chain broke and HQ has not acknowledged it: its pushes are refused.
        public static let chainBroken = Code(.chainBroken)

        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String
    /// The underlying error, if any (kept for logs; not part of equality).
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }

    /// What the failure means for the user; both executables' exit code follows from it.
    public var category: ErrorCategory {
        switch code {
        case .invoiceNotFound, .notFound: .notFound
        case .invalidEdit: .invalidData
        case .unavailable, .unreachable, .inDoubt: .unavailable
        case .busy: .busy
        case .ioError: .ioError
        case .invalidLocation: .usage
        case .authenticationRefused: .permission
        case .notACentralStore, .newerVersion, .nodeMismatch: .foreignFile
        case .damaged: .damaged
        case .chainBroken: .chainBreak
        default: .internalFailure
        }
    }

    public static func == (lhs: CentralStoreError, rhs: CentralStoreError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
