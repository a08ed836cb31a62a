import FapiaoCore
import Foundation

/// Which version a resolution keeps.
public enum ConflictChoice: String, Hashable, Sendable, CaseIterable {
    /// The branch's current version.
    case local
    /// The remote's version.
    case remote
    /// A merge of the two: the three-way merge, or a version a person wrote.
    case merged
}

/// How a conflict was settled.
public struct ConflictResolution: Hashable, Sendable {
    public var choice: ConflictChoice
    /// The person who resolved it, or `resolver:<policy>` for an automatic resolution.
    public var resolvedBy: String
    /// The policy that settled it, or `nil` when a person did.
    public var policy: ResolverPolicy?
    public var reason: String
    public var at: UTCTimestamp
    /// The resolve operation that carries the result to the remote (none when nothing needed sending).
    public var operationID: UUID?
    /// The resulting version's clock: the merge of both clocks plus one on this branch.
    public var clock: VectorClock
    /// SHA-256 of the resulting version's canonical form.
    public var contentHash: String

    var canonicalJSON: CanonicalJSON {
        var members: [String: CanonicalJSON] = [
            "take": .string(choice.rawValue), "by": .string(resolvedBy), "reason": .string(reason),
            "at": .string(at.description), "clock": clock.canonicalJSON, "contentHash": .string(contentHash),
        ]
        if let policy { members["policy"] = .string(policy.rawValue) }
        if let operationID { members["operationID"] = .string(operationID.uuidString) }
        return .object(members)
    }

    init?(json text: String, resolvedBy: String?) {
        guard let value = try? JSONValue.parse(text), case .object(let list) = value else { return nil }
        var members: [String: JSONValue] = [:]
        for member in list { members[member.key] = member.value }
        func string(_ key: String) -> String? {
            if case .string(let text)? = members[key] { return text }
            return nil
        }
        guard let choice = string("take").flatMap(ConflictChoice.init(rawValue:)),
            let at = string("at").flatMap(UTCTimestamp.init(parsing:)),
            let clockValue = members["clock"], let clock = VectorClock(json: clockValue)
        else { return nil }
        self.choice = choice
        self.resolvedBy = resolvedBy ?? string("by") ?? "?"
        self.policy = string("policy").flatMap(ResolverPolicy.init(rawValue:))
        self.reason = string("reason") ?? ""
        self.at = at
        self.operationID = string("operationID").flatMap(UUID.init(uuidString:))
        self.clock = clock
        self.contentHash = string("contentHash") ?? ""
    }

    init(
        choice: ConflictChoice,
        resolvedBy: String,
        policy: ResolverPolicy?,
        reason: String,
        at: UTCTimestamp,
        operationID: UUID?,
        clock: VectorClock,
        contentHash: String
    ) {
        self.choice = choice
        self.resolvedBy = resolvedBy
        self.policy = policy
        self.reason = reason
        self.at = at
        self.operationID = operationID
        self.clock = clock
        self.contentHash = contentHash
    }
}

/// A disagreement between this branch's version of an invoice and the remote's (DESIGN §5).
public struct ConflictRecord: Hashable, Sendable {
    /// What found the conflict.
    public enum Source: String, Hashable, Sendable {
        /// The remote answered a pushed operation with a conflict.
        case push
        /// A change made elsewhere arrived that is concurrent with the branch's version.
        case pull
        /// `fapiao reconcile` found the remote's record different from the branch's.
        case reconcile
    }

    public var id: UUID
    public var invoiceID: UUID
    public var kind: ConflictKind
    public var source: Source
    /// The pushed operation the remote answered with this conflict (push only).
    public var operationID: UUID?
    /// The branch's version when the conflict was found.
    public var local: RemoteVersion
    /// The remote's version: for a duplicate number, the other invoice that owns the number.
    public var remote: RemoteVersion?
    /// The last version of this invoice the remote accepted from this branch, if any.
    public var ancestor: RemoteVersion?
    public var detectedAt: UTCTimestamp
    /// How it was settled; `nil` while open.
    public var resolution: ConflictResolution?

    /// Whether it still waits for a resolution.
    public var isOpen: Bool { resolution == nil }
}

/// What resolving a conflict wrote.
public struct ResolutionReceipt: Hashable, Sendable {
    public var conflictID: UUID
    public var invoiceID: UUID
    public var resolution: ConflictResolution
    /// The resulting version of the invoice.
    public var invoice: Invoice
}
