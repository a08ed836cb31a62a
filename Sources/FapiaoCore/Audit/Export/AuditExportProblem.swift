/// Why an audit export cannot be written, or why one does not verify.
///
/// `message` is one sentence naming the file, row or field and what to do; `code` says what
/// kind of failure it is and, through its category, the exit code.
public struct AuditExportProblem: CategorizedError, Hashable, Sendable {
    /// The kind of failure; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case missing, notAnExport, tampered, exists, keyTooOpen, keyUnusable, writeFailed
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The export directory, its manifest or a signing-key file named does not exist.
        public static let missing = Code(.missing)
        /// The manifest is not JSON of this export format.
        public static let notAnExport = Code(.notAnExport)
        /// The export was changed after it was signed: a row, a file or the manifest.
        public static let tampered = Code(.tampered)
        /// The export directory exists and is not empty.
        public static let exists = Code(.exists)
        /// The signing-key file is readable by others.
        public static let keyTooOpen = Code(.keyTooOpen)
        /// The signing-key file, or a public key given, does not hold a key.
        public static let keyUnusable = Code(.keyUnusable)
        /// A file could not be written.
        public static let writeFailed = Code(.writeFailed)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// One sentence for a person.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// A tampered export, with `message`.
    public static func tampered(_ message: String) -> AuditExportProblem {
        AuditExportProblem(code: .tampered, message: message)
    }

    public var description: String { message }

    public var category: ErrorCategory {
        switch code {
        case .missing: .notFound
        case .notAnExport, .keyUnusable: .invalidData
        case .exists: .alreadyExists
        case .keyTooOpen: .permission
        case .writeFailed: .ioError
        default: .damaged
        }
    }
}
