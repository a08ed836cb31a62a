import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// The resolver policies in the journal's settings (`resolver.*`), defaults for those not set.
    public func resolverPolicies() throws -> ResolverPolicies {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM setting WHERE key LIKE 'resolver.%'")
            return ResolverPolicies(
                settings: Dictionary(rows.map { ($0["key"] as String, $0["value"] as String) }) { _, last in last }
            )
        }
    }

    /// Sets the policy for one conflict kind, or for conflicts touching amounts (`amounts`).
    ///
    /// - Throws: ``JournalError`` `.invalidSetting` naming the rule or the policy when either is
    ///   unknown, or when a duplicate number is given an automatic policy.
    @discardableResult
    public func setResolverPolicy(rule: String, policy: String, actor: String) throws -> ResolverPolicies {
        let setting: (key: String, policy: ResolverPolicy)
        do {
            setting = try ResolverPolicies.validated(rule: rule, policy: policy)
        } catch {
            throw JournalError(code: .invalidSetting, message: "Resolver policy not changed: \(error.message).")
        }
        let instant = environment.now()
        try write(.resolverPolicy) { db in
            try Self.storeSetting(db, setting.key, setting.policy.rawValue)
            var audit = try AuditAppender(db: db)
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .configured,
                details: .object([setting.key: .string(setting.policy.rawValue)])
            )
        }
        return try resolverPolicies()
    }
}
