import Foundation

/// The three-way, per-field merge of two versions of an invoice (DESIGN §5, policy `merge`).
public enum ThreeWayMerge {
    /// What a merge produced.
    public enum Result: Hashable, Sendable {
        /// Every field changed on one side at most: the merged version.
        case merged(Invoice)
        /// A person must choose.
        ///
        /// Either `fields` changed on both sides to different values, or the merge is not a
        /// valid invoice; then `fields` names the merged fields and `reason` says why.
        case needsPerson(fields: [String], reason: String)
    }

    /// Every leaf present in any of the three versions, sorted by path.
    ///
    /// With no `ancestor` there is no common base: every field where `local` and `remote`
    /// differ counts as changed on both sides, so it conflicts.
    public static func compare(local: Invoice, remote: Invoice, ancestor: Invoice?) -> [FieldComparison] {
        let localLeaves = leaves(of: local)
        let remoteLeaves = leaves(of: remote)
        let ancestorLeaves = ancestor.map(leaves(of:)) ?? [:]
        let paths = Set(localLeaves.keys).union(remoteLeaves.keys).union(ancestorLeaves.keys)
        return paths.sorted().map { path in
            FieldComparison(
                path: path,
                ancestor: ancestorLeaves[path],
                local: localLeaves[path],
                remote: remoteLeaves[path],
                hasAncestor: ancestor != nil
            )
        }
    }

    /// Merges `local` and `remote` field by field against `ancestor`.
    ///
    /// A field changed on one side only is taken from that side; one equal on both is kept.
    /// The result is validated again with `policy` and no check-character override.
    ///
    /// - Parameters:
    ///   - local: the branch's version.
    ///   - remote: the centre's version.
    ///   - ancestor: the last version the centre accepted from the branch, if any.
    ///   - policy: the invoice rules the merged version must pass.
    /// - Returns: the merged invoice, or the fields a person must decide and why.
    public static func merge(
        local: Invoice,
        remote: Invoice,
        ancestor: Invoice?,
        policy: ValidationPolicy = .standard
    ) -> Result {
        guard local.id == remote.id else {
            return .needsPerson(
                fields: ["id"],
                reason: "the two versions are different invoices (\(local.id.uuidText), \(remote.id.uuidText))"
            )
        }
        let comparisons = compare(local: local, remote: remote, ancestor: ancestor)
        let conflicting = comparisons.filter(\.conflicts).map(\.path)
        if !conflicting.isEmpty {
            return .needsPerson(
                fields: conflicting,
                reason: "both sides changed \(conflicting.joined(separator: ", ")) to different values"
            )
        }
        let changed = comparisons.filter { $0.changedLocally || $0.changedRemotely }.map(\.path)
        let merged = unflatten(comparisons.compactMap { field in field.mergedValue.map { (field.path, $0) } })
        do {
            let invoice = try Invoice(stored: try JSONValue.parse(merged.text))
            if let reason = invalidity(of: invoice, policy: policy) {
                return .needsPerson(fields: changed, reason: "the merged invoice is not valid: \(reason)")
            }
            return .merged(invoice)
        } catch {
            return .needsPerson(fields: changed, reason: "the merged invoice cannot be read: \(error)")
        }
    }

    /// The leaves of `invoice`'s canonical form, by dotted path.
    static func leaves(of invoice: Invoice) -> [String: CanonicalJSON] {
        var leaves: [String: CanonicalJSON] = [:]
        flatten(invoice.canonicalJSON, path: "", into: &leaves)
        return leaves
    }

    /// Objects that are compared as a whole rather than member by member.
    private static let wholeLeaves: Set<String> = ["void"]

    private static func flatten(_ value: CanonicalJSON, path: String, into leaves: inout [String: CanonicalJSON]) {
        guard case .object(let members) = value, !wholeLeaves.contains(path) else {
            leaves[path] = value
            return
        }
        for (key, member) in members {
            flatten(member, path: path.isEmpty ? key : "\(path).\(key)", into: &leaves)
        }
    }

    private static func unflatten(_ leaves: [(path: String, value: CanonicalJSON)]) -> CanonicalJSON {
        var root: [String: CanonicalJSON] = [:]
        for leaf in leaves {
            insert(leaf.value, at: leaf.path.split(separator: ".").map(String.init)[...], into: &root)
        }
        return .object(root)
    }

    private static func insert(
        _ value: CanonicalJSON,
        at path: ArraySlice<String>,
        into object: inout [String: CanonicalJSON]
    ) {
        guard let head = path.first else { return }
        let rest = path.dropFirst()
        guard !rest.isEmpty else {
            object[head] = value
            return
        }
        var child: [String: CanonicalJSON] = [:]
        if case .object(let existing)? = object[head] { child = existing }
        insert(value, at: rest, into: &child)
        object[head] = .object(child)
    }

    /// Why `invoice` fails the rules, or `nil`; validated like ``CentralRules/invalidity(of:policy:)``.
    private static func invalidity(of invoice: Invoice, policy: ValidationPolicy) -> String? {
        let context = CaptureContext(
            id: invoice.id,
            capturedAt: invoice.capturedAt,
            branch: invoice.branch,
            operatorName: invoice.operatorName
        )
        do {
            _ = try InvoiceValidator.validate(InvoiceInput(invoice: invoice), policy: policy, context: context)
            return nil
        } catch {
            return error.issues.map(\.description).joined(separator: "; ")
        }
    }
}
