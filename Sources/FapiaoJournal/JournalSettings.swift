import FapiaoCore

/// The journal's settings, stored in its `setting` table.
public struct JournalSettings: Hashable, Sendable {
    /// This branch's node id (`bj-chaoyang-01`).
    public var node: String
    /// The default operator recorded as the actor of changes.
    public var operatorName: String?
    /// The remote to sync with, once configured.
    public var remote: String?
    /// The file holding the branch's bearer token for the remote (the token itself is never stored).
    public var tokenFile: String?
    /// The PEM file of the certificate authorities an `https://` remote must chain to, instead of
    /// the system's trust store (a private CA at HQ); `nil` for the system's.
    public var caFile: String?
    /// How many days back an issue date may lie.
    public var offlineWindowDays: Int
    /// The jurisdiction profile, as built in (``Profile/builtIn(_:)``), before the branch's own values.
    public var baseProfile: Profile
    /// The branch's own values (`fapiao profile set`), by key (``Profile/branchValueKeys``).
    public var profileValues: [String: String]
    /// The profile with the branch's own values applied: what every rule reads.
    public private(set) var profile: Profile
    /// Whether the journal runs on a simulated clock (`$FAPIAO_AS_OF`, tests and demos only).
    ///
    /// Set at creation, never changed.
    public var simulatedClock = false
    /// How long a lasting notice stays quiet after it was sent (`notify.interval`, seconds).
    public var noticeResendSeconds: Int64 = 3_600
    /// How long the oldest queued operation may wait before it is a notice (`notify.outboxAge`, seconds).
    public var noticeOutboxAgeSeconds: Int64 = 3_600

    public init(
        node: String,
        operatorName: String? = nil,
        remote: String? = nil,
        tokenFile: String? = nil,
        offlineWindowDays: Int = ValidationPolicy.standard.offlineWindowDays,
        profile: Profile = .standard,
        profileValues: [String: String] = [:]
    ) throws(ProfileError) {
        self.node = node
        self.operatorName = operatorName
        self.remote = remote
        self.tokenFile = tokenFile
        self.offlineWindowDays = offlineWindowDays
        self.baseProfile = profile
        self.profileValues = profileValues
        self.profile = try profile.applying(profileValues)
    }

    /// Settings with the default profile and no branch values, which cannot fail.
    public init(node: String, operatorName: String? = nil, remote: String? = nil, tokenFile: String? = nil) {
        self.node = node
        self.operatorName = operatorName
        self.remote = remote
        self.tokenFile = tokenFile
        self.offlineWindowDays = ValidationPolicy.standard.offlineWindowDays
        self.baseProfile = .standard
        self.profileValues = [:]
        self.profile = .standard
    }

    /// Validation tolerances, rate table, types and limits: the profile's, with the offline window.
    public var policy: ValidationPolicy { profile.validationPolicy(offlineWindowDays: offlineWindowDays) }

    /// Whether `node` is a usable node id: ``NodeName``'s rule, the same for every node.
    public static func isValidNode(_ node: String) -> Bool {
        NodeName.isValid(node)
    }

    static let profileValuePrefix = "profile.value."

    var storedPairs: [(String, String)] {
        var pairs: [(String, String)] = [
            ("node", node),
            ("policy.offlineWindowDays", String(offlineWindowDays)),
            ("profile", baseProfile.name),
        ]
        if let operatorName { pairs.append(("operator", operatorName)) }
        if let remote { pairs.append(("remote", remote)) }
        if let tokenFile { pairs.append(("remote.tokenFile", tokenFile)) }
        if let caFile { pairs.append(("remote.caFile", caFile)) }
        if simulatedClock { pairs.append(("clock", "simulated")) }
        for (key, value) in profileValues.sorted(by: { $0.key < $1.key }) {
            pairs.append((Self.profileValuePrefix + key, value))
        }
        return pairs
    }

    init(stored: [String: String]) throws(JournalError) {
        guard let node = stored["node"] else {
            throw JournalError(
                code: .damaged,
                message: "The journal has no node id setting; restore the journal with `fapiao restore BACKUP`."
            )
        }
        var window = ValidationPolicy.standard.offlineWindowDays
        if let text = stored["policy.offlineWindowDays"], let value = Int(text) { window = value }
        // A journal made before profiles existed invoices under the default profile, whose
        // tolerances and rate table are the ones it was made with.
        let profileName = stored["profile"] ?? Profile.defaultName
        var values: [String: String] = [:]
        for (key, value) in stored where key.hasPrefix(Self.profileValuePrefix) {
            values[String(key.dropFirst(Self.profileValuePrefix.count))] = value
        }
        do {
            try self.init(
                node: node,
                operatorName: stored["operator"],
                remote: stored["remote"],
                tokenFile: stored["remote.tokenFile"],
                offlineWindowDays: window,
                profile: try Profile.builtIn(profileName),
                profileValues: values
            )
            simulatedClock = stored["clock"] == "simulated"
            if let text = stored["notify.interval"], let seconds = Int64(text) { noticeResendSeconds = seconds }
            if let text = stored["notify.outboxAge"], let seconds = Int64(text) { noticeOutboxAgeSeconds = seconds }
            caFile = stored["remote.caFile"]
        } catch {
            throw JournalError(
                code: .newerVersion,
                message: "The journal's profile does not read in this version of fapiao (\(error)); upgrade fapiao."
            )
        }
    }
}
