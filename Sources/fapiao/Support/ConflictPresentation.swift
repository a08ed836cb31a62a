import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

/// How conflicts are printed: a table, the side-by-side view, and JSON.
enum ConflictPresentation {
    /// The fields on which the two versions disagree (for a duplicate number, only the number:
    /// the remote's version is another invoice).
    static func differences(_ record: ConflictRecord) -> [FieldComparison] {
        guard let remote = record.remote else { return [] }
        let fields = ThreeWayMerge.compare(
            local: record.local.invoice,
            remote: remote.invoice,
            ancestor: record.ancestor?.invoice
        )
        if record.kind == .duplicateNumber { return fields.filter { $0.path == "number" } }
        return fields.filter { $0.local != $0.remote }
    }

    /// `buyer.name, note*` — `*` marks a field changed on both sides.
    static func fieldSummary(_ record: ConflictRecord) -> String {
        if record.kind == .duplicateNumber, let owner = record.remote {
            return "number (held by \(owner.invoice.id.uuidText.prefix(8)))"
        }
        let names = differences(record).map { $0.conflicts ? "\($0.path)*" : $0.path }
        return names.isEmpty ? "-" : names.joined(separator: ", ")
    }

    /// What the journal's policies would do with an open conflict.
    static func policyText(_ record: ConflictRecord, policies: ResolverPolicies) -> String {
        guard let remote = record.remote else { return "manual" }
        return policies.policy(for: record.kind, local: record.local.invoice, remote: remote.invoice).rawValue
    }

    /// Prints the open conflicts (`conflicts list`) or every conflict with its resolution
    /// (`conflicts history`), as a table or JSON.
    static func report(_ journal: Journal, history: Bool, format: ReportFormat) throws {
        let records = try journal.conflicts(includeResolved: history)
        let policies = try journal.resolverPolicies()
        switch format {
        case .json:
            emit(CanonicalJSON.array(records.map { json($0, policies: policies, withVersions: history) }).text)
        case .text where records.isEmpty:
            emit(history ? "no conflicts recorded" : "no open conflicts")
        case .text:
            emit(listing(records, policies: policies, history: history))
            emit(
                history
                    ? "\(records.count.grouped) conflicts, \(records.count { $0.isOpen }.grouped) open"
                    : "\(records.count.grouped) open; `fapiao conflicts show ID` compares the versions field by field"
            )
        }
    }

    static func listing(_ records: [ConflictRecord], policies: ResolverPolicies, history: Bool) -> String {
        let header =
            history
            ? ["CONFLICT", "NUMBER", "KIND", "FOUND BY", "DETECTED", "FIELDS", "RESOLVED BY", "TOOK", "REASON"]
            : ["CONFLICT", "NUMBER", "KIND", "FOUND BY", "DETECTED", "FIELDS", "LOCAL CLOCK", "REMOTE CLOCK", "POLICY"]
        return table(
            header,
            records.map { record in
                var row = [
                    String(record.id.uuidText.prefix(8)), record.local.invoice.number, record.kind.rawValue,
                    record.source.rawValue, String(record.detectedAt.description.prefix(16)),
                    truncated(fieldSummary(record), width: 40),
                ]
                if history {
                    if let resolution = record.resolution {
                        row += [
                            resolution.resolvedBy, resolution.choice.rawValue, truncated(resolution.reason, width: 50),
                        ]
                    } else {
                        row += ["(open)", "-", "-"]
                    }
                } else {
                    row += [
                        record.local.clock.description, record.remote?.clock.description ?? "-",
                        policyText(record, policies: policies),
                    ]
                }
                return row
            }
        )
    }

    /// The side-by-side view for `conflicts show`.
    static func details(_ record: ConflictRecord, policies: ResolverPolicies, allFields: Bool) -> String {
        var lines: [String] = []
        lines.append(
            "Conflict \(record.id.uuidText)  \(record.kind.rawValue), found by \(record.source.rawValue) at \(record.detectedAt)"
        )
        lines.append("Invoice  \(record.invoiceID.uuidText)  number \(record.local.invoice.number)")
        if let operationID = record.operationID { lines.append("Pushed operation  \(operationID.uuidText)") }
        lines.append("Local clock     \(record.local.clock)")
        if let remote = record.remote {
            lines.append(
                "Remote clock    \(remote.clock)  (\(remote.clock.compare(to: record.local.clock).rawValue) the local)"
            )
        }
        lines.append(
            "Ancestor clock  \(record.ancestor?.clock.description ?? "none: the remote never accepted a version from this branch")"
        )
        if record.kind == .duplicateNumber, let owner = record.remote {
            lines.append(
                "The remote's invoice \(owner.invoice.id.uuidText) (branch \(owner.invoice.branch)) already holds \(owner.invoice.numberKey)."
            )
        }
        lines.append("")
        let fields =
            allFields
            ? ThreeWayMerge.compare(
                local: record.local.invoice,
                remote: record.remote?.invoice ?? record.local.invoice,
                ancestor: record.ancestor?.invoice
            ) : differences(record)
        lines.append(
            table(
                ["FIELD", "ANCESTOR", "LOCAL", "REMOTE", "CHANGED ON"],
                fields.map { field in
                    [
                        field.path, display(field.ancestor), display(field.local), display(field.remote),
                        changedOn(field),
                    ]
                }
            )
        )
        lines.append("")
        if let resolution = record.resolution {
            var line =
                "Resolved by \(resolution.resolvedBy) at \(resolution.at): kept the \(resolution.choice.rawValue) version, clock \(resolution.clock)"
            if let operationID = resolution.operationID { line += ", operation \(operationID.uuidText.prefix(8))" }
            lines.append(line)
            lines.append("Reason: \(resolution.reason)")
        } else {
            lines.append("Open. Policy: \(policyText(record, policies: policies)). \(mergePreview(record))")
            lines.append(
                "Resolve with `fapiao conflicts resolve \(record.id.uuidText.prefix(8)) --take local|remote|merged --reason TEXT`."
            )
        }
        return lines.joined(separator: "\n")
    }

    /// What `--take merged` without a file would do.
    static func mergePreview(_ record: ConflictRecord) -> String {
        guard let remote = record.remote, record.kind != .duplicateNumber else {
            return "A duplicate number needs a corrected version (--take merged --json FILE)."
        }
        switch ThreeWayMerge.merge(
            local: record.local.invoice,
            remote: remote.invoice,
            ancestor: record.ancestor?.invoice
        ) {
        case .merged:
            return "--take merged would keep each side's changes."
        case .needsPerson(let fields, let reason):
            return "--take merged needs a version written by a person (\(reason): \(fields.joined(separator: ", ")))."
        }
    }

    private static func changedOn(_ field: FieldComparison) -> String {
        switch (field.changedLocally, field.changedRemotely) {
        case (true, true): field.local == field.remote ? "both (same)" : "both *"
        case (true, false): "local"
        case (false, true): "remote"
        case (false, false): ""
        }
    }

    private static func display(_ value: CanonicalJSON?) -> String {
        switch value {
        case nil: "-"
        case .string(let text)?: truncated(text, width: 32)
        case let other?: truncated(other.text, width: 32)
        }
    }

    static func json(_ record: ConflictRecord, policies: ResolverPolicies, withVersions: Bool = false) -> CanonicalJSON
    {
        func version(_ version: RemoteVersion?) -> CanonicalJSON {
            guard let version else { return .null }
            var members: [String: CanonicalJSON] = ["clock": version.clock.canonicalJSON]
            if withVersions { members["invoice"] = version.invoice.canonicalJSON }
            return .object(members)
        }
        var members: [String: CanonicalJSON] = [
            "id": .string(record.id.uuidText),
            "invoiceID": .string(record.invoiceID.uuidText),
            "number": .string(record.local.invoice.number),
            "kind": .string(record.kind.rawValue),
            "source": .string(record.source.rawValue),
            "opID": record.operationID.map { .string($0.uuidText) } ?? .null,
            "detectedAt": .string(record.detectedAt.description),
            "local": version(record.local),
            "remote": version(record.remote),
            "ancestor": version(record.ancestor),
            "fields": .array(
                differences(record).map { field in
                    .object([
                        "path": .string(field.path),
                        "ancestor": field.ancestor ?? .null,
                        "local": field.local ?? .null,
                        "remote": field.remote ?? .null,
                        "changedLocally": .bool(field.changedLocally),
                        "changedRemotely": .bool(field.changedRemotely),
                        "conflicts": .bool(field.conflicts),
                    ])
                }
            ),
        ]
        if let resolution = record.resolution {
            var resolved: [String: CanonicalJSON] = [
                "by": .string(resolution.resolvedBy), "take": .string(resolution.choice.rawValue),
                "reason": .string(resolution.reason), "at": .string(resolution.at.description),
                "clock": resolution.clock.canonicalJSON,
                "opID": resolution.operationID.map { .string($0.uuidText) } ?? .null,
            ]
            if let policy = resolution.policy { resolved["policy"] = .string(policy.rawValue) }
            members["resolution"] = .object(resolved)
        } else {
            members["resolution"] = .null
            members["policy"] = .string(policyText(record, policies: policies))
        }
        return .object(members)
    }
}
