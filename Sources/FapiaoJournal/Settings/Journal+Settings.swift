import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Changes one setting after `init` (`fapiao config set|unset`), audited with who, from, to and why.
    ///
    /// The caller checks what only it can (a remote URL's form, that a token file is 0600) and
    /// gives durations in seconds; the journal checks the rest and writes nothing on a refusal.
    ///
    /// - Parameters:
    ///   - key: the setting.
    ///   - value: its new value as text, or `nil` to unset an optional one.
    ///   - reason: why, kept in the audit entry (optional).
    ///   - actor: who changes it.
    /// - Returns: the change, with the journal's settings after it.
    /// - Throws: ``JournalError`` `.invalidSetting` naming the key and the rule.
    @discardableResult
    public func changeSetting(
        _ key: JournalSettingKey,
        to value: String?,
        reason: String?,
        actor: String
    ) throws
        -> SettingChange
    {
        let value = key == .operatorName ? value?.trimmingCharacters(in: .whitespaces) : value
        if let problem = key.problem(with: value) {
            throw JournalError(code: .invalidSetting, message: "\(key.rawValue) \(problem); nothing was changed.")
        }
        if let reason, reason.count > 200 {
            throw JournalError(code: .invalidSetting, message: "--reason must be at most 200 characters.")
        }
        let from = key.value(in: settings)
        let instant = environment.now()
        let stored = try write(.setting) { db in
            try Self.storeSetting(db, key.storedKey, value)
            var audit = try AuditAppender(db: db)
            var details: [String: CanonicalJSON] = [
                "key": .string(key.rawValue), "from": .optional(from), "to": .optional(value),
            ]
            if let reason, !reason.isEmpty { details["reason"] = .string(reason) }
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .configured,
                details: .object(details)
            )
            return try Dictionary(
                Row.fetchAll(db, sql: "SELECT key, value FROM setting").map { (row: Row) -> (String, String) in
                    (row["key"], row["value"])
                },
                uniquingKeysWith: { _, last in last }
            )
        }
        var updated = try JournalSettings(stored: stored)
        updated.simulatedClock = settings.simulatedClock
        return SettingChange(key: key, from: from, to: value, settings: updated)
    }
}
