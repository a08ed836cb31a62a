import FapiaoCore
import Foundation

/// Why a wire document could not be read.
public struct WireError: CategorizedError, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension WireError {
    public var category: ErrorCategory { .protocolViolation }
}
