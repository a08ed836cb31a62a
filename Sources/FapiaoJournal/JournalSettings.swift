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
    /// Validation tolerances, rate table and offline window.
    public var policy: ValidationPolicy

    public init(
        node: String,
        operatorName: String? = nil,
        remote: String? = nil,
        tokenFile: String? = nil,
        policy: ValidationPolicy = .standard
    ) {
        self.node = node
        self.operatorName = operatorName
        self.remote = remote
        self.tokenFile = tokenFile
        self.policy = policy
    }

    /// Whether `node` is a usable node id: 1–63 of `a-z 0-9 -`, starting with a letter or digit.
    public static func isValidNode(_ node: String) -> Bool {
        let bytes = Array(node.utf8)
        guard (1...63).contains(bytes.count), bytes[0] != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "-")
        }
    }

    var storedPairs: [(String, String)] {
        var pairs: [(String, String)] = [
            ("node", node),
            ("policy.lineTaxTolerance", String(policy.lineTaxTolerance)),
            ("policy.invoiceTaxTolerance", String(policy.invoiceTaxTolerance)),
            ("policy.offlineWindowDays", String(policy.offlineWindowDays)),
            ("policy.rateTable", policy.rateTable.version),
        ]
        if let operatorName { pairs.append(("operator", operatorName)) }
        if let remote { pairs.append(("remote", remote)) }
        if let tokenFile { pairs.append(("remote.tokenFile", tokenFile)) }
        return pairs
    }

    init(stored: [String: String]) throws(JournalError) {
        guard let node = stored["node"] else {
            throw JournalError(code: .damaged, message: "The journal has no node id setting; restore it from a backup.")
        }
        var policy = ValidationPolicy.standard
        if let text = stored["policy.lineTaxTolerance"], let value = Int64(text) { policy.lineTaxTolerance = value }
        if let text = stored["policy.invoiceTaxTolerance"], let value = Int64(text) {
            policy.invoiceTaxTolerance = value
        }
        if let text = stored["policy.offlineWindowDays"], let value = Int(text) { policy.offlineWindowDays = value }
        self.init(
            node: node,
            operatorName: stored["operator"],
            remote: stored["remote"],
            tokenFile: stored["remote.tokenFile"],
            policy: policy
        )
    }
}
