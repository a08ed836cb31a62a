import Foundation

/// Turns an ``InvoiceInput`` into an ``Invoice``, or reports every rule it breaks.
///
/// The rules (DESIGN §3): taxpayer IDs with valid check characters; `net + tax == gross`
/// exactly; tax within a tolerance of net × rate, rounded half-up; rates from the
/// versioned table; number and code formats per invoice type; an issue date neither in
/// the future nor before the offline window; bounded text without control characters.
/// Uniqueness of the number needs the journal and is checked there.
public enum InvoiceValidator {
    /// Validates `input`.
    ///
    /// - Parameters:
    ///   - input: the invoice as typed or imported.
    ///   - policy: tolerances, rate table and offline window.
    ///   - context: the capture instant, branch, id and override flag.
    /// - Returns: the invoice and any audited overrides.
    /// - Throws: ``ValidationFailure`` listing every broken rule.
    public static func validate(
        _ input: InvoiceInput,
        policy: ValidationPolicy = .standard,
        context: CaptureContext
    ) throws(ValidationFailure) -> ValidatedInvoice {
        var input = input
        let normalised = HalfWidth.normalise(&input)
        var check = Checker(fields: input.fields, issues: input.problems)

        let id: UUID
        if let text = check.optional("id") {
            if let parsed = UUID(uuidText: text) {
                id = parsed
            } else {
                check.fail("id", "uuid", "must be a UUID such as 0B7C3A4E-2F1D-4C55-9E8A-1D2C3B4A5F60")
                id = context.id
            }
        } else {
            id = context.id
        }

        let kind: InvoiceKind
        if let text = check.optional("kind") {
            kind = InvoiceKind(rawValue: text) ?? .normal
            if InvoiceKind(rawValue: text) == nil {
                check.fail("kind", "oneOf", "must be normal or red, not \(text.quotedExcerpt)")
            }
        } else {
            kind = .normal
        }

        let type = check.invoiceType(policy: policy)

        let code = check.optional("code")
        let number = check.required("number")
        if let type { check.numberFormat(type: type, code: code, number: number) }

        let originalNumber = check.optional("originalNumber")
        if kind == .red {
            if originalNumber == nil {
                check.fail("originalNumber", "required", "must name the invoice a red invoice reverses")
            } else if let originalNumber {
                // The original is of the red invoice's own type, so its number has that type's form.
                let counts: Set<Int> = type.map { $0.isDigital ? [20] : $0 == .other ? Set(8...20) : [8] } ?? [8, 20]
                if !check.isDigits(originalNumber, counts: counts) {
                    check.fail(
                        "originalNumber",
                        "format",
                        "must be \(counts.count == 1 ? "\(counts.first ?? 8)" : "8 to 20") digits, as the original's number"
                    )
                }
            }
        } else if originalNumber != nil {
            check.fail("originalNumber", "redOnly", "is only for red invoices (kind red)")
        }

        let issueDate = check.date(policy: policy, today: CalendarDate(at: context.capturedAt, in: policy.timeZone))
        let sellerName = check.text("seller.name", required: true)
        let sellerTaxID = check.sellerTaxID(policy: policy, override: context.acceptBadCheckCharacters)
        let buyerName = check.text("buyer.name", required: true)
        let buyerTaxID = check.buyerTaxID(type: type, policy: policy, override: context.acceptBadCheckCharacters)

        let currency = check.optional("currency") ?? policy.currency
        if !Money.isCurrencyCode(currency) {
            check.fail("currency", "iso4217", "must be a three-letter ISO 4217 code such as CNY")
        }
        let negative = kind == .red
        let net = check.money("net", currency: currency, negative: negative)
        let tax = check.money("tax", currency: currency, negative: negative)
        let gross = check.money("gross", currency: currency, negative: negative)
        let taxRate = check.rate("taxRate", table: policy.rateTable)

        if let net, let tax, let gross {
            let (sum, overflow) = net.minorUnits.addingReportingOverflow(tax.minorUnits)
            if overflow || sum != gross.minorUnits {
                check.fail(
                    "gross",
                    "grossMismatch",
                    "must equal net + tax exactly: \(net.decimalText) + \(tax.decimalText) = "
                        + "\(overflow ? "overflow" : DecimalText.format(sum, scale: 2)), not \(gross.decimalText)"
                )
            }
            if gross.minorUnits == 0 {
                check.fail("gross", "nonZero", "must not be zero")
            }
        }
        if let net { check.singleInvoiceLimit(net: net, policy: policy) }

        let red = check.redReference(
            kind: kind,
            type: type,
            issueDate: issueDate,
            currency: Money.isCurrencyCode(currency) ? currency : "CNY",
            policy: policy
        )
        let lines = check.lines(input.lines, currency: currency, negative: negative, policy: policy)
        if let net, let tax, let taxRate {
            check.totals(net: net, tax: tax, rate: taxRate, lines: lines, policy: policy)
        }

        let checkCode = check.checkCode()
        let note = check.text("note", required: false)
        let operatorName = check.text("operator", required: false) ?? context.operatorName

        guard check.issues.isEmpty, let type, let number, let issueDate, let sellerName, let sellerTaxID,
            let buyerName, let buyerTaxID, let net, let tax, let gross, let taxRate, let lines
        else {
            throw ValidationFailure(issues: check.issues)
        }
        let invoice = Invoice(
            id: id,
            kind: kind,
            originalNumber: originalNumber,
            type: type,
            code: code,
            number: number,
            issueDate: issueDate,
            seller: Party(name: sellerName, taxID: sellerTaxID),
            buyer: Party(name: buyerName, taxID: buyerTaxID),
            lines: lines,
            net: net,
            tax: tax,
            gross: gross,
            taxRate: taxRate,
            checkCode: checkCode,
            note: note,
            operatorName: operatorName,
            capturedAt: context.capturedAt,
            branch: context.branch,
            red: red
        )
        return ValidatedInvoice(invoice: invoice, overrides: check.overrides, normalised: normalised)
    }
}
