import FapiaoCore
import Foundation

/// A profile as `fapiao profile show` prints it: each rule, its value and its source.
struct ProfilePresentation {
    let profile: Profile
    /// The branch's own values, which replace the profile's.
    let branchValues: [String: String]

    private func amount(_ value: Int64?) -> String {
        value.map { "\(DecimalText.format($0, scale: 2)) \(profile.currency)" } ?? "none"
    }

    /// (rule, value, source key) rows, in the order a person reads them.
    var rules: [(rule: String, value: String, source: String)] {
        let offline = profile.offline
        var rows: [(String, String, String)] = [
            ("taxID", profile.taxIDScheme.rawValue, "taxID"),
            ("types", profile.allowedTypes.map(\.rawValue).joined(separator: ", "), "types"),
            (
                "buyerTaxIDRequired", profile.buyerTaxIDRequired.map(\.rawValue).sorted().joined(separator: ", "),
                "types"
            ),
            ("rates", "\(profile.rateTable.listText) (table \(profile.rateTable.version))", "rates"),
            (
                "tolerances",
                "line \(DecimalText.format(profile.lineTaxTolerance, scale: 2)), invoice \(DecimalText.format(profile.invoiceTaxTolerance, scale: 2))",
                "tolerances"
            ),
            ("singleInvoiceLimit", "net below \(amount(profile.singleInvoiceLimit))", "singleInvoiceLimit"),
            ("offline.hours", offline.hours.map { "\($0) h" } ?? "none", "offline"),
            ("offline.count", offline.count.map(String.init) ?? "none", "offline"),
            ("offline.positiveAmount", amount(offline.positiveAmount), "offline"),
            ("offline.negativeAmount", amount(offline.negativeAmount), "offline"),
            ("uploadDeadline", profile.uploadDeadline.description, "uploadDeadline"),
            ("filingDay", "day \(profile.filingDay.day) of the next month, moved to a business day", "filingDay"),
            (
                "void",
                InvoiceType.allCases.map { "\($0.rawValue) \((profile.voidRules[$0] ?? .never).rawValue)" }
                    .joined(separator: ", "),
                "void"
            ),
            ("red.reasons", profile.red.reasons.joined(separator: ", "), "red"),
            (
                "red.confirmation",
                profile.red.confirmations.isEmpty
                    ? "none"
                    : profile.red.confirmations.map { "\($0.name) (\($0.digits) digits)" }.joined(separator: ", "),
                "red"
            ),
            ("numberKey", profile.numberKeyFields.joined(separator: " + "), "numberKey"),
            (
                "warnings",
                "limits from \(profile.warnings.limitPerMille / 10) %, offline window from \(profile.warnings.windowPerMille / 10) %, "
                    + "deadlines \(profile.warnings.deadlineHours) h ahead, unsynced months after day \(profile.warnings.unsyncedDay)",
                "warnings"
            ),
        ]
        let months = profile.filingDay.published.keys.sorted()
        if let first = months.first, let last = months.last {
            rows.append(("filingDay.published", "\(months.count) periods, \(first) to \(last)", "filingDay.published"))
        }
        for year in profile.calendar.years.sorted() {
            let closed = profile.calendar.closed.filter { $0.year == year }.count
            let work = profile.calendar.workdays.filter { $0.year == year }.count
            rows.append(("holidays.\(year)", "\(closed) closed days, \(work) make-up workdays", "holidays.\(year)"))
        }
        return rows.map { ($0.0, $0.1, profile.sources[$0.2] ?? "") }
    }

    var lines: [String] {
        var lines = [
            "profile   \(profile.name) (version \(profile.version))",
            "          \(profile.title)",
            "          \(profile.jurisdiction), \(profile.currency), \(profile.timeZone.identifier)",
        ]
        for key in branchValues.keys.sorted() {
            lines.append("branch    \(key) = \(profile.valueText(key)) (the branch's own value)")
        }
        for row in rules {
            lines.append("")
            lines.append("\(row.rule): \(row.value)")
            if !row.source.isEmpty { lines.append("  source: \(row.source)") }
        }
        return lines
    }

    var json: CanonicalJSON {
        .object([
            "name": .string(profile.name),
            "version": .string(profile.version),
            "title": .string(profile.title),
            "jurisdiction": .string(profile.jurisdiction),
            "currency": .string(profile.currency),
            "timeZone": .string(profile.timeZone.identifier),
            "branchValues": .object(branchValues.mapValues(CanonicalJSON.string)),
            "rules": .array(
                rules.map {
                    .object(["rule": .string($0.rule), "value": .string($0.value), "source": .string($0.source)])
                }
            ),
        ])
    }
}
