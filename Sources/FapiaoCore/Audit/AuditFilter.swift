import Foundation

/// Which audit entries to show or export: all conditions given must hold.
///
/// `since` is inclusive and `until` exclusive, both on wall time, so consecutive windows
/// (`--since 2026-11-01 --until 2026-12-01`, then `--since 2026-12-01`) never share an entry.
public struct AuditFilter: Hashable, Sendable {
    /// Entries written at or after this instant.
    public var since: UTCTimestamp?
    /// Entries written before this instant.
    public var until: UTCTimestamp?
    /// Entries caused by this actor (exact match).
    public var actor: String?
    /// Entries recording this event.
    public var event: AuditEvent?
    /// Entries of this invoice.
    public var invoiceID: UUID?

    public init(
        since: UTCTimestamp? = nil,
        until: UTCTimestamp? = nil,
        actor: String? = nil,
        event: AuditEvent? = nil,
        invoiceID: UUID? = nil
    ) {
        self.since = since
        self.until = until
        self.actor = actor
        self.event = event
        self.invoiceID = invoiceID
    }

    /// Whether no condition is set: the whole chain.
    public var isEmpty: Bool { self == AuditFilter() }

    /// Whether `entry` meets every condition set.
    public func matches(_ entry: AuditEntry) -> Bool {
        if let since, entry.wallTime < since { return false }
        if let until, entry.wallTime >= until { return false }
        if let actor, entry.actor != actor { return false }
        if let event, entry.event != event { return false }
        if let invoiceID, entry.invoiceID != invoiceID { return false }
        return true
    }

    /// The conditions set, as an object (members absent when not set).
    public var canonicalJSON: CanonicalJSON {
        var members: [String: CanonicalJSON] = [:]
        if let since { members["since"] = .string(since.description) }
        if let until { members["until"] = .string(until.description) }
        if let actor { members["actor"] = .string(actor) }
        if let event { members["event"] = .string(event.rawValue) }
        if let invoiceID { members["invoiceID"] = .string(invoiceID.uuidText) }
        return .object(members)
    }

    /// Reads ``canonicalJSON`` back; `nil` when a member is unknown or malformed.
    public init?(json: CanonicalJSON) {
        guard case .object(let members) = json else { return nil }
        self.init()
        for (key, value) in members {
            guard let text = value.stringValue else { return nil }
            switch key {
            case "since":
                guard let time = UTCTimestamp(parsing: text) else { return nil }
                since = time
            case "until":
                guard let time = UTCTimestamp(parsing: text) else { return nil }
                until = time
            case "actor": actor = text
            case "event":
                guard let event = AuditEvent(rawValue: text) else { return nil }
                self.event = event
            case "invoiceID":
                guard let id = UUID(uuidText: text) else { return nil }
                invoiceID = id
            default: return nil
            }
        }
    }

    /// Parses a time given on the command line: `2026-11-20` (midnight UTC),
    /// `2026-11-20T08:15:30Z` or `2026-11-20T08:15:30.125Z`; `nil` when it is none of these.
    public static func time(parsing text: String) -> UTCTimestamp? {
        if let time = UTCTimestamp(parsing: text) { return time }
        if text.utf8.count == 20, text.hasSuffix("Z") {
            return UTCTimestamp(parsing: String(text.dropLast()) + ".000Z")
        }
        if text.utf8.count == 10, let date = CalendarDate(parsing: text) {
            return UTCTimestamp(millisecondsSinceEpoch: Int64(date.daysSinceEpoch) * 86_400_000)
        }
        return nil
    }
}
