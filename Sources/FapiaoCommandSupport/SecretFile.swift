import FapiaoCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file holding one secret (a token, a password, a URL with a password): readable by its
/// owner only, read whole, trimmed of surrounding whitespace.
public enum SecretFile {
    /// Why a secret file cannot be used.
    public struct Failure: CategorizedError, Hashable, Sendable {
        /// Why; new kinds may be added.
        public struct Kind: Hashable, Sendable, CustomStringConvertible {
            private enum Value: String, Hashable, Sendable { case notFound, tooOpen, unreadable, exists, unwritable }
            private let value: Value
            private init(_ value: Value) { self.value = value }

            /// There is no such file, or it cannot be opened.
            public static let notFound = Kind(.notFound)
            /// Others may read it; the secret is not used.
            public static let tooOpen = Kind(.tooOpen)
            /// It is empty or not UTF-8 text.
            public static let unreadable = Kind(.unreadable)
            /// A new secret file was asked for where a file already is; it is left as it was.
            public static let exists = Kind(.exists)
            /// A new secret file cannot be created or written.
            public static let unwritable = Kind(.unwritable)

            public var description: String { value.rawValue }
        }
        public var kind: Kind
        public var message: String
        public var description: String { message }

        public var category: ErrorCategory {
            switch kind {
            case .notFound: .notFound
            case .tooOpen: .permission
            case .exists: .alreadyExists
            case .unwritable: .ioError
            default: .invalidData
            }
        }
    }

    /// The secret in `path`.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - what: what the file holds, for messages ("Token file", "Store file").
    /// - Returns: the file's text without surrounding whitespace.
    /// - Throws: ``Failure``, naming the file and the rule.
    public static func read(_ path: String, what: String) throws(Failure) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Failure(kind: .notFound, message: "\(what) \(path) cannot be read.")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw Failure(
                kind: .tooOpen,
                message: "\(what) \(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); "
                    + "run `chmod 600 \(path)`."
            )
        }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        else {
            throw Failure(kind: .unreadable, message: "\(what) \(path) is empty or unreadable.")
        }
        return text
    }
}
