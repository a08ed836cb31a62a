import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Sets one of the branch's own profile values (its approved single-invoice limit, its
    /// offline limits), with the reason in the audit entry.
    ///
    /// - Parameters:
    ///   - key: one of ``Profile/branchValueKeys``.
    ///   - value: the value's text; `none` removes the limit, `profile` restores the profile's value.
    ///   - reason: why (the tax office's approval, a branch's own caution).
    ///   - actor: who makes the change, recorded in the audit.
    /// - Returns: the settings with the value in place.
    /// - Throws: ``JournalError`` `.invalidSetting` naming the key and the rule.
    @discardableResult
    public func setProfileValue(_ key: String, _ value: String, reason: String, actor: String) throws -> JournalSettings
    {
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(reason.count) else {
            throw JournalError(
                code: .invalidSetting,
                message: "--reason must say in 1 to 200 characters why the value changes."
            )
        }
        var values = settings.profileValues
        if value == "profile" { values[key] = nil } else { values[key] = value }
        let updated: JournalSettings
        do {
            guard Profile.branchValueKeys.contains(key) else {
                throw ProfileError(
                    profile: settings.baseProfile.name,
                    message:
                        "has no branch value \(key); the keys are \(Profile.branchValueKeys.joined(separator: ", "))"
                )
            }
            updated = try JournalSettings(
                node: settings.node,
                operatorName: settings.operatorName,
                remote: settings.remote,
                tokenFile: settings.tokenFile,
                offlineWindowDays: settings.offlineWindowDays,
                profile: settings.baseProfile,
                profileValues: values
            )
        } catch {
            throw JournalError(code: .invalidSetting, message: "Nothing was changed: \(error).")
        }
        let instant = environment.now()
        let storedKey = JournalSettings.profileValuePrefix + key
        try write(.profileValue) { db in
            if let text = values[key] {
                try Self.storeSetting(db, storedKey, text)
            } else {
                try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [storedKey])
            }
            var audit = try AuditAppender(db: db)
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .configured,
                details: .object([
                    "profile": .string(settings.baseProfile.name),
                    "key": .string(key),
                    "from": .string(settings.profile.valueText(key)),
                    "to": .string(updated.profile.valueText(key)),
                    "reason": .string(reason),
                ])
            )
        }
        return updated
    }
}
