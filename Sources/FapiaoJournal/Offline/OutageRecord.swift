import FapiaoCore

/// One outage as the journal keeps it.
public struct OutageRecord: Hashable, Sendable {
    public var id: Int64
    public var startedAt: UTCTimestamp
    public var endedAt: UTCTimestamp?
    /// The mode it was declared under (`outage`, or a profile's mode such as `offline24`).
    public var mode: String
    /// The authority's announcement, when there is one.
    public var notice: String?
    public var openedBy: String
    public var closedBy: String?
    /// The invoices captured in it and their sums.
    public var tally: OfflineRules.Tally

    /// The outage as the rules see it.
    public var window: OfflineRules.Outage { OfflineRules.Outage(startedAt: startedAt, endedAt: endedAt) }
}
