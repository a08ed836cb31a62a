import FapiaoCore
import Foundation

/// How many operations ended how, for the sync summary.
public struct OutboxTally: Hashable, Sendable {
    public var accepted = 0
    public var duplicates = 0
    public var stale = 0
    public var conflicts = 0
    public var quarantined = 0
    public var inDoubt = 0
    public var deferred = 0

    public init() {}

    public static func + (lhs: OutboxTally, rhs: OutboxTally) -> OutboxTally {
        var sum = lhs
        sum.accepted += rhs.accepted
        sum.duplicates += rhs.duplicates
        sum.stale += rhs.stale
        sum.conflicts += rhs.conflicts
        sum.quarantined += rhs.quarantined
        sum.inDoubt += rhs.inDoubt
        sum.deferred += rhs.deferred
        return sum
    }
}
