/// Which policy applies to which conflict; stored in the journal's settings.
public struct ResolverPolicies: Hashable, Sendable {
    /// Policy per conflict kind.
    public var byKind: [ConflictKind: ResolverPolicy]
    /// Policy for a conflict whose two versions disagree on an amount or a tax ID.
    ///
    /// The fields are ``amountFields``; this policy overrides the kind's one.
    public var amounts: ResolverPolicy

    /// Creates policies; a kind missing from `byKind` gets its default.
    public init(byKind: [ConflictKind: ResolverPolicy] = [:], amounts: ResolverPolicy = .manual) {
        self.byKind = byKind
        self.amounts = amounts
    }

    /// The defaults: concurrentEdit merges, every other kind and any amount change needs a person.
    public static let defaults = ResolverPolicies(byKind: defaultByKind, amounts: .manual)

    /// The canonical paths (see ``ThreeWayMerge``) that count as amounts or tax IDs.
    public static let amountFields = [
        "net", "tax", "gross", "taxRate", "currency", "lines", "seller.taxID", "buyer.taxID",
    ]

    private static let defaultByKind: [ConflictKind: ResolverPolicy] = [
        .concurrentEdit: .merge, .duplicateNumber: .manual, .editOfVoided: .manual, .contentDiffers: .manual,
    ]

    /// The policy for one conflict between `local` and `remote`.
    ///
    /// A duplicateNumber conflict is always ``ResolverPolicy/manual`` (a legal number is never
    /// settled automatically); a conflict that touches amounts gets ``amounts``; any other
    /// gets its kind's policy.
    public func policy(for kind: ConflictKind, local: Invoice, remote: Invoice) -> ResolverPolicy {
        if kind == .duplicateNumber { return .manual }
        if Self.touchesAmounts(local: local, remote: remote) { return amounts }
        return policy(for: kind)
    }

    /// Whether the two versions differ in any of the ``amountFields``.
    public static func touchesAmounts(local: Invoice, remote: Invoice) -> Bool {
        let localLeaves = ThreeWayMerge.leaves(of: local)
        let remoteLeaves = ThreeWayMerge.leaves(of: remote)
        return amountFields.contains { localLeaves[$0] != remoteLeaves[$0] }
    }

    /// The kind's own policy, ignoring amounts; duplicateNumber is always manual.
    private func policy(for kind: ConflictKind) -> ResolverPolicy {
        if kind == .duplicateNumber { return .manual }
        return byKind[kind] ?? Self.defaultByKind[kind] ?? .manual
    }
}

extension ResolverPolicies {
    /// The settings key of the amounts policy.
    public static let amountsSettingKey = "resolver.amounts"

    /// The settings key of `kind`'s policy, such as `resolver.concurrentEdit`.
    public static func settingKey(for kind: ConflictKind) -> String { "resolver.\(kind.rawValue)" }

    /// Reads the policies from the journal's settings.
    ///
    /// A missing key, or a value ``validated(rule:policy:)`` refuses, leaves that policy at its default.
    public init(settings: [String: String]) {
        self = .defaults
        for kind in ConflictKind.allCases {
            if let value = settings[Self.settingKey(for: kind)],
                let setting = try? Self.validated(rule: kind.rawValue, policy: value)
            {
                byKind[kind] = setting.policy
            }
        }
        if let value = settings[Self.amountsSettingKey],
            let setting = try? Self.validated(rule: "amounts", policy: value)
        {
            amounts = setting.policy
        }
    }

    /// All five settings, kinds first in declaration order, then amounts.
    public var settingPairs: [(String, String)] {
        ConflictKind.allCases.map { (Self.settingKey(for: $0), policy(for: $0).rawValue) }
            + [(Self.amountsSettingKey, amounts.rawValue)]
    }

    /// Checks a rule and a policy as a person typed them.
    ///
    /// - Parameters:
    ///   - rule: a conflict kind's name, or `amounts`.
    ///   - policy: a policy's raw value, such as `remote-wins`.
    /// - Returns: the settings key and the policy to store under it.
    /// - Throws: ``ResolverPolicyError`` for an unknown rule or policy, or a duplicateNumber
    ///   policy other than manual.
    public static func validated(
        rule: String,
        policy: String
    ) throws(ResolverPolicyError) -> (key: String, policy: ResolverPolicy) {
        let kind = ConflictKind(rawValue: rule)
        guard kind != nil || rule == "amounts" else {
            let rules = (ConflictKind.allCases.map(\.rawValue) + ["amounts"]).joined(separator: ", ")
            throw ResolverPolicyError(message: "rule \"\(rule)\" must be one of \(rules)")
        }
        guard let parsed = ResolverPolicy(rawValue: policy) else {
            let policies = ResolverPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw ResolverPolicyError(message: "policy \"\(policy)\" must be one of \(policies)")
        }
        guard let kind else { return (amountsSettingKey, parsed) }
        if kind == .duplicateNumber, parsed != .manual {
            throw ResolverPolicyError(
                message:
                    "duplicateNumber conflicts can only be resolved by a person (policy manual): a legal invoice number is never settled automatically"
            )
        }
        return (settingKey(for: kind), parsed)
    }
}
