import Foundation

/// Collects the issues of one invoice while its fields are read; used by ``InvoiceValidator``.
struct Checker {
    let fields: [String: String]
    var issues: [ValidationIssue]
    var overrides: [ValidationIssue] = []
    /// The path of the line being checked (`lines[N]`), or `nil` for the header.
    ///
    /// A line's `fields` are keyed by its own field names and its issues name the full path,
    /// which is only written when an issue needs it.
    var prefix: String? = nil

    /// The path issues name `field` by.
    func path(_ field: String) -> String {
        prefix.map { "\($0).\(field)" } ?? field
    }

    mutating func fail(_ field: String, _ rule: String, _ message: String) {
        issues.append(ValidationIssue(field: path(field), rule: rule, message: message))
    }

    /// A present, non-blank value, trimmed of surrounding spaces; `nil` when absent or blank.
    func optional(_ field: String) -> String? {
        guard let raw = fields[field] else { return nil }
        let trimmed = raw.trimmingSpaces()
        return trimmed.isEmpty ? nil : trimmed
    }

    mutating func required(_ field: String) -> String? {
        guard let value = optional(field) else {
            // A value the reader refused (a JSON number, an array) was given: it is not also empty.
            let path = path(field)
            if !issues.contains(where: { $0.field == path }) { fail(field, "required", "must not be empty") }
            return nil
        }
        return value
    }

    func isDigits(_ text: String, counts: Set<Int>) -> Bool {
        counts.contains(text.utf8.count) && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    mutating func text(_ field: String, required: Bool) -> String? {
        let value = required ? self.required(field) : optional(field)
        guard let value else { return nil }
        let limit = ValidationPolicy.maximumLengths[field] ?? 100
        // Count bytes first so a 10 MB value is refused without walking its characters.
        if value.utf8.count > limit * 4 {
            fail(field, "maxLength", "must be at most \(limit) characters, not \(value.utf8.count) bytes")
            return nil
        }
        // A character is at least one byte: only a value over the limit in bytes needs counting.
        if value.utf8.count > limit, value.count > limit {
            fail(field, "maxLength", "must be at most \(limit) characters, not \(value.count)")
            return nil
        }
        if value.containsControlCharacter {
            fail(field, "controlCharacter", "must not contain control characters such as line breaks or tabs")
            return nil
        }
        return value
    }

    mutating func numberFormat(type: InvoiceType, code: String?, number: String?) {
        if type.isDigital {
            if code != nil { fail("code", "digitalNoCode", "must be empty for a digital (\(type.rawValue)) invoice") }
            if let number, !isDigits(number, counts: [20]) {
                fail(
                    "number",
                    "format",
                    "must be 20 digits for a \(type.rawValue) invoice, not \(number.quotedExcerpt)"
                )
            }
        } else if type == .other {
            if let code, !isDigits(code, counts: [10, 12]) { fail("code", "format", "must be 10 or 12 digits") }
            if let number, !isDigits(number, counts: Set(8...20)) {
                fail("number", "format", "must be 8 to 20 digits, not \(number.quotedExcerpt)")
            }
        } else {
            if let code {
                if !isDigits(code, counts: [10, 12]) {
                    fail(
                        "code",
                        "format",
                        "must be 10 or 12 digits for a \(type.rawValue) invoice, not \(code.quotedExcerpt)"
                    )
                }
            } else {
                fail("code", "required", "must not be empty for a legacy \(type.rawValue) invoice (10 or 12 digits)")
            }
            if let number, !isDigits(number, counts: [8]) {
                fail(
                    "number",
                    "format",
                    "must be 8 digits for a legacy \(type.rawValue) invoice, not \(number.quotedExcerpt)"
                )
            }
        }
    }

    mutating func date(policy: ValidationPolicy, today: CalendarDate) -> CalendarDate? {
        guard let text = required("issueDate") else { return nil }
        guard let date = CalendarDate(parsing: text) else {
            fail("issueDate", "format", "must be a real date written YYYY-MM-DD, not \(text.quotedExcerpt)")
            return nil
        }
        if date > today {
            fail(
                "issueDate",
                "notFuture",
                "must not be in the future (today is \(today) in \(policy.timeZone.identifier)), not \(date)"
            )
            return nil
        }
        let earliest = today.adding(days: -policy.offlineWindowDays)
        if date < earliest {
            fail(
                "issueDate",
                "offlineWindow",
                "must be within the \(policy.offlineWindowDays)-day offline window (on or after \(earliest)), not \(date)"
            )
            return nil
        }
        return date
    }

    mutating func taxID(
        _ field: String,
        scheme: TaxIDScheme,
        allowResidentID: Bool,
        override: Bool,
        requiredFor type: InvoiceType? = nil
    ) -> String? {
        guard var value = optional(field) else {
            if !issues.contains(where: { $0.field == field }) {
                fail(
                    field,
                    "required",
                    type.map {
                        "must not be empty on a \($0.rawValue) invoice (the buyer of a special VAT invoice is named by tax ID)"
                    }
                        ?? "must not be empty"
                )
            }
            return nil
        }
        let result: Result<TaxpayerID.Form, TaxpayerID.ProblemBox>
        switch scheme {
        case .cnUSCC:
            result = TaxpayerID.check(value, allowResidentID: allowResidentID)
        case .plNIP:
            // A NIP is often written 123-456-32-18; the digits are what count.
            value = value.replacingOccurrences(of: "-", with: "")
            result = TaxIDScheme.checkNIP(value)
        }
        switch result {
        case .success:
            return value
        case .failure(let box):
            let issue = ValidationIssue(field: field, rule: box.problem.ruleCode, message: box.problem.rule)
            if override, box.problem.isOverridable {
                overrides.append(issue)
                return value
            }
            issues.append(issue)
            return nil
        }
    }

    /// The single-invoice limit (开票限额): the amount excluding tax must stay below it.
    mutating func singleInvoiceLimit(net: Money, policy: ValidationPolicy) {
        guard let limit = policy.singleInvoiceLimit, net.minorUnits.magnitude >= UInt64(max(limit, 0)) else { return }
        fail(
            "net",
            "singleInvoiceLimit",
            "must stay below the single-invoice limit of \(DecimalText.format(limit, scale: 2)) (\(policy.profileName) profile; "
                + "the amount excluding tax), not \(net.decimalText)"
        )
    }

    mutating func money(_ field: String, currency: String, negative: Bool) -> Money? {
        guard let text = required(field) else { return nil }
        do {
            let money = try Money(parsing: text, currency: currency, allowNegative: true)
            if negative, money.minorUnits > 0 {
                fail(field, "redNegative", "must be negative or zero on a red invoice, not \(text.excerpt)")
                return nil
            }
            if !negative, money.minorUnits < 0 {
                fail(
                    field,
                    "notNegative",
                    "must not be negative on a normal invoice (use kind red), not \(text.excerpt)"
                )
                return nil
            }
            return money
        } catch {
            fail(field, error.ruleCode, error.rule)
            return nil
        }
    }

    mutating func rate(_ field: String, table: RateTable, value: String? = nil) -> TaxRate? {
        guard let text = value ?? required(field) else { return nil }
        do {
            let rate = try TaxRate(parsing: text)
            guard table.allows(rate) else {
                fail(
                    field,
                    "rateTable",
                    "must be a rate in the \(table.version) table (\(table.listText)), not \(rate.percentText)"
                )
                return nil
            }
            return rate
        } catch {
            fail(field, error.ruleCode, error.rule)
            return nil
        }
    }

    mutating func totals(net: Money, tax: Money, rate: TaxRate, lines: [InvoiceLine]?, policy: ValidationPolicy) {
        if let lines, !lines.isEmpty {
            let lineNet = lines.reduce(Int64(0)) { $0 &+ $1.net.minorUnits }
            let lineTax = lines.reduce(Int64(0)) { $0 &+ $1.tax.minorUnits }
            if lineNet != net.minorUnits {
                fail(
                    "net",
                    "linesSum",
                    "must equal the sum of the lines' net, \(DecimalText.format(lineNet, scale: 2)), not \(net.decimalText)"
                )
            }
            if lineTax != tax.minorUnits {
                fail(
                    "tax",
                    "linesSum",
                    "must equal the sum of the lines' tax, \(DecimalText.format(lineTax, scale: 2)), not \(tax.decimalText)"
                )
            }
            let rates = Set(lines.map(\.taxRate))
            if !rates.contains(rate) {
                fail(
                    "taxRate",
                    "linesRate",
                    "must be one of the lines' rates (\(rates.sorted(by: >).map(\.percentText).joined(separator: ", ")))"
                )
            }
            // With mixed rates the lines carry the check; the header rate is only a summary.
            if rates.count > 1 { return }
        }
        let expected = rate.tax(on: net.minorUnits)
        // The invoice's difference is the sum of its lines' (each within the line tolerance), up to
        // the invoice tolerance: an invoice without lines is one line (开票软件: 0.06 per line, 1.27 in all).
        let lineCount = Int64(max(1, lines?.count ?? 0))
        let (perLines, overflow) = policy.lineTaxTolerance.magnitude.multipliedReportingOverflow(by: UInt64(lineCount))
        let tolerance =
            overflow ? policy.invoiceTaxTolerance.magnitude : min(policy.invoiceTaxTolerance.magnitude, perLines)
        if (tax.minorUnits - expected).magnitude > tolerance {
            fail(
                "tax",
                "taxMismatch",
                "must be net × rate = \(net.decimalText) × \(rate.percentText) = \(DecimalText.format(expected, scale: 2)) "
                    + "within \(DecimalText.format(Int64(tolerance), scale: 2)), not \(tax.decimalText)"
            )
        }
    }
}

extension DecimalText.Problem {
    var ruleCode: String {
        switch self {
        case .empty: "required"
        case .notADecimal: "decimal"
        case .tooManyDecimals: "decimalPlaces"
        case .negative: "notNegative"
        case .tooLarge: "range"
        }
    }
}

extension TaxpayerID.Problem {
    var ruleCode: String {
        switch self {
        case .empty: "required"
        case .wrongLength: "length"
        case .badCharacter: "characters"
        case .wrongCheckCharacter: "checkCharacter"
        case .residentIDNotAllowed: "residentID"
        case .nipLength: "length"
        case .nipCheckDigit: "checkCharacter"
        }
    }
}
