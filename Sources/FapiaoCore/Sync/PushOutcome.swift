import Foundation

/// What the centre answered for one pushed operation (DESIGN §4).
public enum PushOutcome: Hashable, Sendable {
    /// The centre stored this version.
    case accepted
    /// The centre had already applied this very operation (its earlier reply was lost): a success.
    case duplicate
    /// The centre already holds this version or a newer one descending from it.
    case stale(current: VectorClock)
    /// Neither version descends from the other, or the number belongs to another invoice.
    case conflict(ConflictKind, remote: RemoteVersion)
    /// The centre refuses the operation; retrying it unchanged cannot help.
    case rejected(reason: String)
    /// The centre did not process the operation this time (a partial batch, a transient
    /// failure on this item); it is retried later with the same operation id.
    case deferred(reason: String)

    /// The outcome's name on the wire and in the audit trail.
    public var name: String {
        switch self {
        case .accepted: "accepted"
        case .duplicate: "duplicate"
        case .stale: "stale"
        case .conflict: "conflict"
        case .rejected: "rejected"
        case .deferred: "deferred"
        }
    }

    /// Whether the centre now holds this operation's version or a newer one.
    public var isSuccess: Bool {
        switch self {
        case .accepted, .duplicate, .stale: true
        case .conflict, .rejected, .deferred: false
        }
    }
}
