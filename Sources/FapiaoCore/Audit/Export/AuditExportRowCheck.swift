/// The checks of an export's rows against each other and against their manifest.
///
/// Pure: the caller has read and parsed the rows (in file order). Each entry's hash must
/// recompute from its cells, rows must be numbered 1, 2, 3 … and in increasing sequence, and
/// an entry that directly follows the one before it must point at its hash; the count and the
/// first and last entries must be the manifest's. An export without filters must hold the
/// whole chain: sequences from 1 without gaps, up to the chain head.
public enum AuditExportRowCheck {
    /// The first problem with `rows`, or `nil` when they are what `manifest` says.
    public static func firstProblem(_ rows: [AuditExportRow], manifest: AuditExportManifest) -> AuditExportProblem? {
        let whole = manifest.filter.isEmpty
        for (index, current) in rows.enumerated() {
            let previous = index > 0 ? rows[index - 1] : nil
            let next = index + 1 < rows.count ? rows[index + 1] : nil
            if let problem = numbering(current, after: previous) { return problem }
            if let previous, current.entry.sequence <= previous.entry.sequence {
                return .tampered(
                    "row \(current.row) (sequence \(current.entry.sequence)) comes after sequence "
                        + "\(previous.entry.sequence): the rows are out of order (column sequence edited or rows moved?)."
                )
            }
            if current.entry.computedHash != current.entry.hash {
                return .tampered(
                    "row \(current.row) (sequence \(current.entry.sequence)): its hash does not match its fields "
                        + "(\(editedColumn(current, previous: previous, next: next, node: manifest.node)))."
                )
            }
            if let previous, current.entry.sequence == previous.entry.sequence + 1,
                current.entry.previousHash != previous.entry.hash
            {
                return .tampered(
                    "row \(current.row) (sequence \(current.entry.sequence)) does not follow from row \(previous.row): "
                        + "its previousHash is not the hash of sequence \(previous.entry.sequence) (rows rewritten?)."
                )
            }
            if whole {
                let expected = (previous?.entry.sequence ?? 0) + 1
                if current.entry.sequence != expected {
                    return .tampered(
                        "sequence \(expected) is missing before row \(current.row) (sequence \(current.entry.sequence)): "
                            + "an export without filters holds every entry (rows removed and renumbered?)."
                    )
                }
                if current.entry.sequence == 1, current.entry.previousHash != Digest.zeroHex {
                    return .tampered(
                        "row \(current.row) (sequence 1) does not start the chain: its previousHash is not 64 zeros."
                    )
                }
            }
        }
        return totals(rows, manifest: manifest)
    }

    /// A row numbered other than one more than the row before it.
    private static func numbering(_ current: AuditExportRow, after previous: AuditExportRow?) -> AuditExportProblem? {
        let expected = (previous?.row ?? 0) + 1
        guard current.row != expected else { return nil }
        // The row that follows directly in the chain was not removed: its number was edited.
        let follows =
            previous.map {
                current.entry.sequence == $0.entry.sequence + 1 && current.entry.previousHash == $0.entry.hash
            } ?? false
        if current.row > expected, !follows {
            let missing =
                current.row == expected + 1
                ? "row \(expected) is missing" : "rows \(expected)–\(current.row - 1) are missing"
            let context =
                previous.map { "sequence \($0.entry.sequence) is followed by \(current.entry.sequence)" }
                ?? "the file starts at row \(current.row) (sequence \(current.entry.sequence))"
            return .tampered("\(missing): \(context).")
        }
        return .tampered(
            "row \(expected) (sequence \(current.entry.sequence)) is numbered \(current.row) "
                + "(column row edited or rows moved?)."
        )
    }

    /// The likeliest edited cell of a row whose hash does not match, for the message.
    private static func editedColumn(
        _ current: AuditExportRow,
        previous: AuditExportRow?,
        next: AuditExportRow?,
        node: String
    ) -> String {
        let entry = current.entry
        if let previous, entry.sequence == previous.entry.sequence + 1, entry.previousHash != previous.entry.hash {
            return "column previousHash edited?"
        }
        if let previous, entry.sequence != previous.entry.sequence + 1, entry.previousHash == previous.entry.hash {
            return "column sequence edited?"
        }
        if let next, next.entry.sequence == entry.sequence + 1, next.entry.previousHash == entry.computedHash {
            return "column hash edited?"
        }
        if let parsed = try? JSONValue.parse(entry.detailsText), CanonicalJSON(json: parsed).text != entry.detailsText {
            return "column details edited?"
        }
        if (try? JSONValue.parse(entry.detailsText)) == nil { return "column details edited?" }
        if entry.node != node { return "column node edited?" }
        return "one of sequence, wallTime, node, actor, event, invoiceID, operationID, clock, details was edited"
    }

    /// The count and the first and last entries against the manifest.
    private static func totals(_ rows: [AuditExportRow], manifest: AuditExportManifest) -> AuditExportProblem? {
        if rows.count < manifest.rowCount {
            let end = rows.last.map { "ends at row \($0.row) (sequence \($0.entry.sequence))" } ?? "holds no rows"
            let missing =
                manifest.rowCount - Int64(rows.count) == 1
                ? "row \(rows.count + 1) is missing" : "rows \(rows.count + 1)–\(manifest.rowCount) are missing"
            return .tampered("\(missing): the manifest counts \(manifest.rowCount) rows and the file \(end).")
        }
        if rows.count > manifest.rowCount {
            return .tampered(
                "the file holds \(rows.count) rows but the manifest counts \(manifest.rowCount): rows were added."
            )
        }
        if let first = rows.first, AuditExportManifest.Position(first.entry) != manifest.first {
            return .tampered(
                "row 1 (sequence \(first.entry.sequence)) is not the first entry the manifest names"
                    + "\(manifest.first.map { " (sequence \($0.sequence))" } ?? ""): the rows were replaced."
            )
        }
        if let last = rows.last, AuditExportManifest.Position(last.entry) != manifest.last {
            return .tampered(
                "row \(last.row) (sequence \(last.entry.sequence)) is not the last entry the manifest names"
                    + "\(manifest.last.map { " (sequence \($0.sequence))" } ?? ""): the rows were replaced."
            )
        }
        if manifest.filter.isEmpty, manifest.last != manifest.chainHead {
            return .tampered(
                "the export has no filters but does not end at the chain head"
                    + "\(manifest.chainHead.map { " (sequence \($0.sequence))" } ?? ""): entries are missing at its end."
            )
        }
        return nil
    }
}
