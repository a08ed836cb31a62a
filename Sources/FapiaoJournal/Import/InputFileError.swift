import CSV
import FapiaoCore
import Foundation

/// A problem with an input file as a whole (missing, unreadable, bad CSV header).
public struct InputFileError: CategorizedError, Hashable, Sendable {
    public struct Code: Hashable, Sendable {
        private let value: String
        private init(_ value: String) { self.value = value }
        /// The file does not exist.
        public static let notFound = Code("notFound")
        /// The file exists but its contents cannot be used at all.
        public static let unusable = Code("unusable")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public var category: ErrorCategory { code == .notFound ? .notFound : .invalidData }
}
