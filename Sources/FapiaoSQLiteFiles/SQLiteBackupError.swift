import FapiaoCore

/// Why a backup copy of an SQLite file (a journal, a central store) could not be made or put in place.
///
/// Shaped like NIO's `FileSystemError`: a code to switch on, one sentence for a person, the cause.
public struct SQLiteBackupError: CategorizedError, Sendable {
    /// What kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case alreadyExists, ioError, permissionDenied, damaged, usage
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A file is already at the backup's path; backups never overwrite one.
        public static let alreadyExists = Code(.alreadyExists)
        /// Reading, writing or syncing a file failed, or the disk is full.
        public static let ioError = Code(.ioError)
        /// The backup's directory cannot be created or written.
        public static let permissionDenied = Code(.permissionDenied)
        /// The copy failed its check: the source is damaged.
        public static let damaged = Code(.damaged)
        /// An argument is malformed (a `--keep` of 0).
        public static let usage = Code(.usage)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What went wrong and what to do, one sentence.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }

    public var category: ErrorCategory {
        switch code {
        case .alreadyExists: .alreadyExists
        case .permissionDenied: .permission
        case .damaged: .damaged
        case .usage: .usage
        default: .ioError
        }
    }
}
