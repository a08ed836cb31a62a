import Foundation

/// Why and by whom an invoice was voided (作废).
public struct VoidRecord: Hashable, Sendable {
    public var reason: String
    public var at: UTCTimestamp
    public var by: String

    public init(reason: String, at: UTCTimestamp, by: String) {
        self.reason = reason
        self.at = at
        self.by = by
    }
}
