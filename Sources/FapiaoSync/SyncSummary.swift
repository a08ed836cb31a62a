import FapiaoCore
import FapiaoJournal
import Foundation

/// Why a sync run stopped before the outbox was empty.
///
/// Shaped like the other errors of the seams: an extensible ``Kind``, one sentence, and the
/// ``category`` the executables turn into an exit code.
public struct SyncStop: Hashable, Sendable, CustomStringConvertible {
    /// Why the run stopped; new kinds may be added.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case remoteUnavailable, authenticationRefused, forbidden, protocolViolation, interrupted, leaseLost
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The remote could not be reached, or kept failing, or asked for a long wait.
        public static let remoteUnavailable = Kind(.remoteUnavailable)
        /// The remote refused the branch's credentials.
        public static let authenticationRefused = Kind(.authenticationRefused)
        /// The remote refused this branch's push (another branch's invoice).
        public static let forbidden = Kind(.forbidden)
        /// The remote answered something this client cannot read.
        public static let protocolViolation = Kind(.protocolViolation)
        /// Asked to stop (SIGTERM); the batch in flight was finished first.
        public static let interrupted = Kind(.interrupted)
        /// Another sync took the lease over.
        public static let leaseLost = Kind(.leaseLost)

        public var description: String { value.rawValue }
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// What the stop means for the exit code; `nil` for a stop on request, after which the
    /// run's own result stands.
    public var category: ErrorCategory? {
        switch kind {
        case .authenticationRefused, .forbidden: .permission
        case .protocolViolation: .protocolViolation
        case .leaseLost: .busy
        case .interrupted: nil
        default: .unavailable
        }
    }
}

/// What a sync run did.
public struct SyncSummary: Hashable, Sendable {
    /// Distinct operations sent at least once in this run.
    public var sent = 0
    /// Push requests made, retries included.
    public var requests = 0
    public var tally = OutboxTally()
    /// Operations still waiting to be sent after the run.
    public var remaining = 0
    /// Operations held behind a quarantined or conflicting change.
    public var blocked = 0
    public var stop: SyncStop?
    /// What the pull did with changes made elsewhere.
    public var pulled = PullTally()
    /// Conflicts settled by the journal's resolver policies in this run.
    public var resolved = 0
    /// Conflicts still waiting for a person after the run.
    public var openConflicts = 0

    public init() {}

    /// `sent 1000, accepted 998, duplicates 2, conflicts 0, quarantined 0, in doubt 0`, then what
    /// the pull and the resolver did, when they did anything.
    public var line: String {
        var parts = [
            "sent \(sent)", "accepted \(tally.accepted)", "duplicates \(tally.duplicates)",
            "conflicts \(tally.conflicts)", "quarantined \(tally.quarantined)", "in doubt \(tally.inDoubt)",
        ]
        if tally.stale > 0 { parts.insert("stale \(tally.stale)", at: 3) }
        if pulled.applied > 0 { parts.append("pulled \(pulled.applied)") }
        if pulled.conflicts > 0 { parts.append("conflicts found by pull \(pulled.conflicts)") }
        if resolved > 0 { parts.append("resolved automatically \(resolved)") }
        if openConflicts > 0 { parts.append("open conflicts \(openConflicts)") }
        if remaining > 0 { parts.append("still queued \(remaining)") }
        return parts.joined(separator: ", ")
    }
}

/// Progress of a running sync, for a terminal.
public struct SyncProgress: Hashable, Sendable {
    /// Operations answered so far.
    public var answered: Int
    /// Operations that were waiting when the run started.
    public var total: Int
    /// When the run is waiting before a retry, how long and why.
    public var waiting: (Duration, String)?

    public static func == (lhs: SyncProgress, rhs: SyncProgress) -> Bool {
        lhs.answered == rhs.answered && lhs.total == rhs.total && lhs.waiting?.0 == rhs.waiting?.0
            && lhs.waiting?.1 == rhs.waiting?.1
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(answered)
        hasher.combine(total)
    }
}
