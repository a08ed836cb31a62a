import FapiaoCore
import FapiaoNotify
import Foundation

/// Where HQ's alerts go (`serve --notify`): the notification target the branch's notices use too.
public typealias AlertTarget = NotificationTarget
/// Why a `--notify` value cannot be used.
public typealias AlertTargetError = NotificationTargetError

/// Something HQ should hear about at once (DESIGN §7): a chain break, a rejection, a new
/// conflict, a branch with deadlines passed, a branch gone silent.
public struct Alert: Hashable, Sendable {
    /// What happened; new kinds may be added.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case chainBreak, rejected, conflict, overdue, silent
    }

    public var kind: Kind
    public var branch: String
    /// What makes two alerts the same event: the same key is sent once, and again only after
    /// the re-send interval while it lasts (a break per branch and chain, rejections per branch).
    public var key: String
    /// One sentence for a person.
    public var message: String
    /// Details for programs.
    public var details: [String: CanonicalJSON]
    public var at: UTCTimestamp

    public init(
        kind: Kind,
        branch: String,
        key: String,
        message: String,
        details: [String: CanonicalJSON] = [:],
        at: UTCTimestamp
    ) {
        self.kind = kind
        self.branch = branch
        self.key = key
        self.message = message
        self.details = details
        self.at = at
    }

    /// The JSON document a notifier receives (on standard input, or as the webhook's body).
    public func document(suppressed: Int) -> CanonicalJSON {
        .object([
            "fapiao": .string("alert"),
            "kind": .string(kind.rawValue),
            "branch": .string(branch),
            "message": .string(message),
            "details": .object(details),
            "at": .string(at.description),
            "suppressedSinceLast": .integer(Int64(suppressed)),
        ])
    }
}
