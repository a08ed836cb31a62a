import Foundation

/// Something a branch's people should hear about without asking (`fapiao notify`): a reason of
/// `status --check` (an outbox waiting too long, deadlines near or passed, quarantined invoices,
/// open conflicts), or an event such as the remote answering again after an outage.
public struct BranchNotice: Hashable, Sendable {
    /// What kind of reason it is; new kinds may be added.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case outboxAge = "outbox-age"
        case deadline
        case quarantined
        case conflicts
        case inDoubt = "in-doubt"
        case remoteBack = "remote-back"
        case test
    }

    public var kind: Kind
    /// What makes two notices the same reason: a reason is sent once when it appears and again
    /// only after the re-send interval while it lasts (``NoticeSchedule``).
    public var key: String
    /// One sentence for a person.
    public var message: String
    /// Details for programs.
    public var details: [String: CanonicalJSON]
    /// An event (the remote back) is sent when it happens, once; a condition while it lasts.
    public var isEvent: Bool

    public init(
        kind: Kind,
        key: String,
        message: String,
        details: [String: CanonicalJSON] = [:],
        isEvent: Bool = false
    ) {
        self.kind = kind
        self.key = key
        self.message = message
        self.details = details
        self.isEvent = isEvent
    }

    /// The JSON document a notifier receives (on standard input, or as a webhook's body).
    ///
    /// - Parameters:
    ///   - branch: the branch's node id.
    ///   - at: when it is sent.
    ///   - times: how many times this reason has been sent, this one included.
    /// - Returns: the document.
    public func document(branch: String, at: UTCTimestamp, times: Int) -> CanonicalJSON {
        .object([
            "fapiao": .string("notice"),
            "kind": .string(kind.rawValue),
            "key": .string(key),
            "branch": .string(branch),
            "message": .string(message),
            "details": .object(details),
            "at": .string(at.description),
            "times": .integer(Int64(times)),
        ])
    }
}

/// What was sent for one reason: when first and last, and how often.
public struct NoticeRecord: Hashable, Sendable {
    public var key: String
    public var firstSent: UTCTimestamp
    public var lastSent: UTCTimestamp
    public var times: Int

    public init(key: String, firstSent: UTCTimestamp, lastSent: UTCTimestamp, times: Int) {
        self.key = key
        self.firstSent = firstSent
        self.lastSent = lastSent
        self.times = times
    }
}
