import FapiaoCore
import Foundation

/// An operation read from the outbox to be pushed.
public struct OutboxItem: Hashable, Sendable {
    /// Journal order.
    public var sequence: Int64
    /// The operation as stored, its hash checked; its invoice is read back only by
    /// ``StoredOperation/decoded()``.
    public var operation: StoredOperation
    public var status: OperationStatus
    /// How many times it has been sent.
    public var attempts: Int
}
