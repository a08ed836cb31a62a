import FapiaoCore

extension AuditExportManifest {
    /// `sequences 3–120`, `sequence 7` or `no entries`.
    public var rangeText: String {
        guard let first, let last else { return "no entries" }
        return first.sequence == last.sequence
            ? "sequence \(first.sequence)" : "sequences \(first.sequence)–\(last.sequence)"
    }

    /// The export in brief, for `--output json`.
    public var summaryJSON: CanonicalJSON {
        .object([
            "rows": .integer(rowCount),
            "first": first.map { .integer($0.sequence) } ?? .null,
            "last": last.map { .integer($0.sequence) } ?? .null,
            "chainHead": chainHead.map { .integer($0.sequence) } ?? .null,
            "files": .array(
                ([AuditExportManifest.fileName] + files.map(\.name)).sorted().map(CanonicalJSON.string)
            ),
            "publicKey": .string(publicKey.hex),
            "fingerprint": .string(publicKey.fingerprint),
        ])
    }

    /// ``summaryJSON`` with the export's directory, and `extra` members.
    public func summaryJSON(directory: String, _ extra: [String: CanonicalJSON] = [:]) -> CanonicalJSON {
        guard case .object(var members) = summaryJSON else { return summaryJSON }
        members["directory"] = .string(directory)
        members.merge(extra) { $1 }
        return .object(members)
    }
}
