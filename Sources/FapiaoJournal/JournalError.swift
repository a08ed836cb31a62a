import FapiaoCore

/// A failure of the branch journal, shaped like NIO's `FileSystemError`: a code scripts
/// can switch on, one sentence for a person, and the underlying cause.
public struct JournalError: CategorizedError, Sendable {
    /// What kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case notFound, alreadyExists, notAJournal, newerVersion, damaged, storageFull, ioError
            case invoiceNotFound, ambiguousID, invalidChange, invalidSetting, permissionDenied
            case leaseHeld, leaseLost, conflictNotFound, busy
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No journal at the path.
        public static let notFound = Code(.notFound)
        /// `init` found a journal already there.
        public static let alreadyExists = Code(.alreadyExists)
        /// The file is not a Fapiao journal (random bytes, another application's database).
        public static let notAJournal = Code(.notAJournal)
        /// The journal was written by a newer Fapiao.
        public static let newerVersion = Code(.newerVersion)
        /// The journal's file is damaged.
        public static let damaged = Code(.damaged)
        /// The disk is full; nothing was written.
        public static let storageFull = Code(.storageFull)
        /// Reading or writing the file failed; nothing was written.
        public static let ioError = Code(.ioError)
        /// No invoice has that id.
        public static let invoiceNotFound = Code(.invoiceNotFound)
        /// An id prefix matches several invoices.
        public static let ambiguousID = Code(.ambiguousID)
        /// The change is not allowed in the invoice's state (amending a voided invoice).
        public static let invalidChange = Code(.invalidChange)
        /// A setting value is malformed.
        public static let invalidSetting = Code(.invalidSetting)
        /// The file or its directory cannot be accessed.
        public static let permissionDenied = Code(.permissionDenied)
        /// Another sync job holds the journal's sync lease.
        public static let leaseHeld = Code(.leaseHeld)
        /// This sync job's lease was taken over (it expired); it must stop writing outcomes.
        public static let leaseLost = Code(.leaseLost)
        /// No conflict matches the reference given.
        public static let conflictNotFound = Code(.conflictNotFound)
        /// Another process holds the journal's write lock (a long import, another command).
        ///
        /// Nothing was written; try again shortly. Never a sign of damage.
        public static let busy = Code(.busy)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What went wrong and what to do, one sentence.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error)?

    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}

extension JournalError {
    /// What the failure means for the user; the executables' exit code follows from it.
    public var category: ErrorCategory {
        switch code {
        case .notFound, .invoiceNotFound, .conflictNotFound: .notFound
        case .alreadyExists: .alreadyExists
        case .notAJournal, .newerVersion: .foreignFile
        case .damaged: .damaged
        case .storageFull, .ioError: .ioError
        case .permissionDenied: .permission
        case .invalidSetting: .usage
        case .leaseHeld, .leaseLost, .busy: .busy
        default: .invalidData
        }
    }
}
