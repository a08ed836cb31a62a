import FapiaoCore
import Foundation

/// Why a wire document could not be read.
public struct WireError: CategorizedError, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// Whether the document is well formed but a value in it cannot be used (a timestamp that
    /// is no instant, an event this side does not know): HTTP's 422 rather than 400.
    public var isUnprocessable = false
    public init(_ message: String) { self.message = message }

    /// A well-formed document holding a value that cannot be used.
    public static func unprocessable(_ message: String) -> WireError {
        var error = WireError(message)
        error.isUnprocessable = true
        return error
    }
    public var description: String { message }
}

extension WireError {
    public var category: ErrorCategory { .protocolViolation }
}
