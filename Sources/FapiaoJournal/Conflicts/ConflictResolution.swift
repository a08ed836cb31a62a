import FapiaoCore
import Foundation

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
        if let operationID { members["operationID"] = .string(operationID.uuidText) }
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
        self.operationID = string("operationID").flatMap(UUID.init(uuidText:))
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
