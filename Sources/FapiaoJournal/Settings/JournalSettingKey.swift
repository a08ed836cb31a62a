import Foundation

/// The settings `fapiao config set` changes after `init`, each change audited.
///
/// The node id, the profile and the clock are fixed at `init`: the audit chain and every
/// invoice's rules rest on them.
public enum JournalSettingKey: String, CaseIterable, Sendable {
    /// The remote sync talks to (`http(s)://…`, `sqlite:PATH`, `postgres://…`, `exec:…`).
    case remote
    /// The file holding the branch's token (mode 0600).
    case tokenFile = "remote.tokenFile"
    /// The PEM file of the roots an `https://` remote's certificate must chain to (else the system's).
    case caFile = "remote.caFile"
    /// The operator recorded as the actor of changes when `--as` is not given.
    case operatorName = "operator"
    /// How many days back an issue date may lie.
    case offlineWindowDays
    /// Seconds a lasting notice stays quiet after it was sent.
    case noticeInterval = "notify.interval"
    /// Seconds the oldest queued operation may wait before it is a notice.
    case noticeOutboxAge = "notify.outboxAge"

    /// The key in the journal's `setting` table.
    var storedKey: String {
        switch self {
        case .offlineWindowDays: "policy.offlineWindowDays"
        default: rawValue
        }
    }

    /// Whether `config unset` may remove it (the others always have a value).
    public var isOptional: Bool { [.remote, .tokenFile, .caFile, .operatorName].contains(self) }

    /// The setting's value in `settings`, as text (`nil` when it has none).
    public func value(in settings: JournalSettings) -> String? {
        switch self {
        case .remote: settings.remote
        case .tokenFile: settings.tokenFile
        case .caFile: settings.caFile
        case .operatorName: settings.operatorName
        case .offlineWindowDays: String(settings.offlineWindowDays)
        case .noticeInterval: String(settings.noticeResendSeconds)
        case .noticeOutboxAge: String(settings.noticeOutboxAgeSeconds)
        }
    }

    /// The value with the rule it breaks, or `nil` when it is usable (`nil` unsets an optional key).
    func problem(with value: String?) -> String? {
        guard let value else { return isOptional ? nil : "has a value always; set another instead" }
        switch self {
        case .remote, .tokenFile, .caFile:
            return value.isEmpty ? "must not be empty" : nil
        case .operatorName:
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            guard (1...100).contains(trimmed.count),
                !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { return "must be 1 to 100 characters with no control characters" }
            return nil
        case .offlineWindowDays:
            guard let days = Int(value), (1...3650).contains(days) else {
                return "must be a whole number of days from 1 to 3650"
            }
            return nil
        case .noticeInterval, .noticeOutboxAge:
            guard let seconds = Int64(value), (60...2_592_000).contains(seconds) else {
                return "must be a duration from 1m to 30d"
            }
            return nil
        }
    }
}

/// One setting changed by ``Journal/changeSetting(_:to:reason:actor:)``.
public struct SettingChange: Hashable, Sendable {
    public var key: JournalSettingKey
    public var from: String?
    public var to: String?
    /// The journal's settings with the change in place.
    public var settings: JournalSettings
}
