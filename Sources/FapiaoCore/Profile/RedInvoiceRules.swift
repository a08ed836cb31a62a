/// The rules a red invoice (红字发票) keeps against its blue original (DESIGN §3, "Red invoices
/// and voids"): pure, so the journal (and later the centre) only look up the original and the
/// red invoices already issued against it.
public enum RedInvoiceRules {
    /// Every rule `red` breaks against its original.
    ///
    /// - Parameters:
    ///   - red: the validated red invoice (its ``Invoice/red`` carries the reason and what it
    ///     says of the original).
    ///   - original: the original when this journal holds it; `nil` when it was issued elsewhere
    ///     (the red invoice must then give the original's issue date and amounts).
    ///   - earlierReds: the red invoices already issued against the same original.
    ///   - reasons: the profile's reasons, "issued in error" (which reverses in full) first.
    /// - Returns: the broken rules, empty when the red invoice may be issued.
    public static func issues(
        _ red: Invoice,
        original: Invoice?,
        earlierReds: [Invoice],
        reasons: [String]
    ) -> [ValidationIssue] {
        guard red.kind == .red, let reference = red.red, let number = red.originalNumber else { return [] }
        var issues: [ValidationIssue] = []
        func fail(_ field: String, _ rule: String, _ message: String) {
            issues.append(ValidationIssue(field: field, rule: rule, message: message))
        }
        let base: (net: Int64, tax: Int64, gross: Int64)
        if let original {
            if original.kind == .red {
                fail("originalNumber", "notRed", "names red invoice \(number); a red invoice is never itself reversed")
                return issues
            }
            if original.void != nil {
                fail("originalNumber", "voided", "names voided invoice \(number); a voided invoice is not reversed")
                return issues
            }
            if original.type != red.type {
                fail(
                    "type",
                    "original",
                    "must be the original's type, \(original.type.rawValue), not \(red.type.rawValue)"
                )
            }
            if original.buyer.taxID != red.buyer.taxID
                || original.buyer.taxID.isEmpty && original.buyer.name != red.buyer.name
            {
                fail(
                    "buyer.taxID",
                    "original",
                    "must be the original's buyer, \(original.buyer.name) \(original.buyer.taxID)".trimmingSpaces()
                )
            }
            if let date = reference.originalIssueDate, date != original.issueDate {
                fail(
                    "originalIssueDate",
                    "original",
                    "must be the original's issue date, \(original.issueDate), not \(date)"
                )
            }
            if red.issueDate < original.issueDate {
                fail("issueDate", "afterOriginal", "must not be before the original's issue date \(original.issueDate)")
            }
            if let net = reference.originalNet, net != original.net {
                fail(
                    "originalNet",
                    "original",
                    "must be the original's net, \(original.net.decimalText), not \(net.decimalText)"
                )
            }
            let rates = Set([original.taxRate] + original.lines.map(\.taxRate))
            for rate in Set([red.taxRate] + red.lines.map(\.taxRate)) where !rates.contains(rate) {
                fail(
                    "taxRate",
                    "original",
                    "must be one of the original's rates (\(rates.sorted(by: >).map(\.percentText).joined(separator: ", "))), not \(rate.percentText)"
                )
            }
            base = (original.net.minorUnits, original.tax.minorUnits, original.gross.minorUnits)
            lineCaps(red, original: original, earlierReds: earlierReds, fail: fail)
        } else {
            guard reference.originalIssueDate != nil, let net = reference.originalNet, let tax = reference.originalTax,
                let gross = reference.originalGross
            else {
                fail(
                    "originalNumber",
                    "unknown",
                    "\(number) is not known here: for an original issued elsewhere give originalIssueDate, "
                        + "originalNet, originalTax and originalGross"
                )
                return issues
            }
            base = (net.minorUnits, tax.minorUnits, gross.minorUnits)
        }

        let used = earlierReds.reduce((net: Int64(0), tax: Int64(0), gross: Int64(0))) {
            ($0.net - $1.net.minorUnits, $0.tax - $1.tax.minorUnits, $0.gross - $1.gross.minorUnits)
        }
        let this = (net: -red.net.minorUnits, tax: -red.tax.minorUnits, gross: -red.gross.minorUnits)
        for (field, reversed, earlier, whole) in [
            ("net", this.net, used.net, base.net), ("tax", this.tax, used.tax, base.tax),
            ("gross", this.gross, used.gross, base.gross),
        ] where earlier + reversed > whole {
            fail(
                field,
                "overReversed",
                "would reverse \(text(earlier + reversed)) of the original's \(field) \(text(whole))"
                    + (earlier > 0 ? " (\(text(earlier)) by earlier red invoices)" : "")
            )
        }
        if reference.reason == reasons.first, earlierReds.isEmpty == false || this != base {
            fail(
                "net",
                "fullReversal",
                "must reverse the original in full (net -\(text(base.net)), tax -\(text(base.tax)), gross -\(text(base.gross)))"
                    + " when the reason is \(reference.reason)"
                    + (earlierReds.isEmpty ? "" : "; it has been partly reversed already")
            )
        }
        return issues
    }

    /// Per line, where both carry lines: a red line reverses a line of the original (same
    /// description and rate), and the reds against one line never exceed it.
    private static func lineCaps(
        _ red: Invoice,
        original: Invoice,
        earlierReds: [Invoice],
        fail: (String, String, String) -> Void
    ) {
        guard !red.lines.isEmpty, !original.lines.isEmpty else { return }
        struct Key: Hashable {
            var description: String
            var rate: TaxRate
        }
        var available: [Key: Int64] = [:]
        for line in original.lines {
            available[Key(description: line.description, rate: line.taxRate), default: 0] += line.net.minorUnits
        }
        for earlier in earlierReds {
            for line in earlier.lines {
                available[Key(description: line.description, rate: line.taxRate), default: 0] += line.net.minorUnits
            }
        }
        for (index, line) in red.lines.enumerated() {
            let key = Key(description: line.description, rate: line.taxRate)
            guard let left = available[key] else {
                fail(
                    "lines[\(index + 1)].description",
                    "original",
                    "must be a line of the original (same description and rate), not \(line.description) at \(line.taxRate.percentText)"
                )
                continue
            }
            if -line.net.minorUnits > left {
                fail(
                    "lines[\(index + 1)].net",
                    "overReversed",
                    "would reverse \(text(-line.net.minorUnits)) of line \(line.description), of which \(text(left)) is left"
                )
            }
            available[key] = left + line.net.minorUnits
        }
    }

    private static func text(_ minorUnits: Int64) -> String { DecimalText.format(minorUnits, scale: 2) }
}
