/// The rules each invoice field obeys on its own, as ``InvoiceValidator`` applies them, for
/// asking an invoice field by field (`fapiao enqueue` on a terminal): an answer that breaks one
/// is refused with the validator's own message before the next question is asked.
///
/// Both use the same checks, so a field accepted here is never refused for its own form later.
/// Rules between fields (net + tax = gross, tax within the tolerance of net × rate, lines that sum
/// to the header) and the journal's (a unique number, offline limits) need the whole invoice and
/// are left to the validator and the journal.
public struct FieldRules: Sendable {
    /// Tolerances, rate table, allowed types and the offline window: the journal's profile.
    public var policy: ValidationPolicy
    /// Today in the profile's time zone, which issue dates are compared with.
    public var today: CalendarDate
    /// Accept a taxpayer ID whose only fault is its check character (audited at capture).
    public var acceptBadCheckCharacters: Bool

    public init(policy: ValidationPolicy, today: CalendarDate, acceptBadCheckCharacters: Bool = false) {
        self.policy = policy
        self.today = today
        self.acceptBadCheckCharacters = acceptBadCheckCharacters
    }

    /// The header fields a clerk is asked, in order.
    public static let askedFields = [
        "type", "code", "number", "issueDate", "seller.name", "seller.taxID", "buyer.name", "buyer.taxID",
        "net", "taxRate", "tax", "gross", "note",
    ]

    /// Whether `field` belongs on an invoice whose type was answered in `answered`: a digital
    /// invoice has no code.
    public func applies(_ field: String, answered: [String: String]) -> Bool {
        field != "code" || !(Self.type(in: answered)?.isDigital ?? false)
    }

    /// Whether `field` must be given: the code of a legacy type, the buyer's tax ID on the types the
    /// profile names, and every field but the note and the check code.
    public func isRequired(_ field: String, answered: [String: String]) -> Bool {
        let type = Self.type(in: answered)
        switch field {
        case "code": return type == .special || type == .ordinary
        case "buyer.taxID": return type.map { policy.buyerTaxIDRequired.contains($0) } ?? true
        case "note", "checkCode", "operator": return false
        default: return true
        }
    }

    /// Checks `typed` as the value of the header field `field`.
    ///
    /// - Parameters:
    ///   - field: a header field's path, one of ``askedFields`` or `checkCode`.
    ///   - typed: the answer as typed (full-width forms allowed).
    ///   - answered: the fields answered before, as typed; the type decides the form of the code and
    ///     number, and whether the buyer's tax ID is required.
    /// - Returns: the value as the validator reads it (trimmed, half-width), `nil` when it is blank and
    ///   the field optional.
    /// - Throws: ``ValidationFailure`` with the one rule the answer breaks.
    public func check(
        _ field: String,
        _ typed: String,
        answered: [String: String] = [:]
    ) throws(ValidationFailure)
        -> String?
    {
        var check = Checker(fields: [field: Self.normalised(field, typed)], issues: [])
        let type = Self.type(in: answered)
        let currency = answered["currency"].map { Self.normalised("currency", $0) } ?? policy.currency
        switch field {
        case "type":
            _ = check.invoiceType(policy: policy)
        case "code":
            if let type { check.numberFormat(type: type, code: check.optional("code"), number: nil) }
        case "number":
            let number = check.required("number")
            let code = answered["code"].map { Self.normalised("code", $0).trimmingSpaces() }.flatMap {
                $0.isEmpty ? nil : $0
            }
            if let type { check.numberFormat(type: type, code: code, number: number) }
        case "issueDate":
            _ = check.date(policy: policy, today: today)
        case "seller.name", "buyer.name":
            _ = check.text(field, required: true)
        case "note", "operator":
            _ = check.text(field, required: false)
        case "seller.taxID":
            _ = check.sellerTaxID(policy: policy, override: acceptBadCheckCharacters)
        case "buyer.taxID":
            _ = check.buyerTaxID(type: type, policy: policy, override: acceptBadCheckCharacters)
        case "net":
            if let net = check.money("net", currency: currency, negative: false) {
                check.singleInvoiceLimit(net: net, policy: policy)
            }
        case "tax", "gross":
            _ = check.money(field, currency: currency, negative: false)
        case "taxRate":
            _ = check.rate("taxRate", table: policy.rateTable)
        case "checkCode":
            _ = check.checkCode()
        default:
            check.issues.append(InvoiceInput.unknownField(field))
        }
        return try Self.answer(field, check)
    }

    /// Checks `typed` as the value of `field` of line `number` (1-based).
    ///
    /// - Parameters:
    ///   - field: one of ``InvoiceInput/lineFields``.
    ///   - typed: the answer as typed.
    ///   - number: the line's number, as messages name it (`lines[2].tax`).
    /// - Returns: the value as the validator reads it; `nil` for a blank quantity or unit price.
    /// - Throws: ``ValidationFailure`` with the one rule the answer breaks.
    public func checkLine(_ field: String, _ typed: String, number: Int) throws(ValidationFailure) -> String? {
        let path = "lines[\(number)].\(field)"
        let value = HalfWidth.lineFields.contains(field) ? HalfWidth.normalise(typed, upperCase: false) : typed
        var check = Checker(fields: [path: value], issues: [])
        switch field {
        case "description": _ = check.text(path, required: true)
        case "quantity": _ = check.quantity(path)
        case "unitPrice": _ = check.optional(path).flatMap { check.decimal(path, $0) }
        case "net", "tax": _ = check.money(path, currency: policy.currency, negative: false)
        case "taxRate": _ = check.rate(path, table: policy.rateTable)
        default: check.issues.append(InvoiceInput.unknownField(path))
        }
        return try Self.answer(path, check)
    }

    /// net × rate rounded half-up, as the validator expects the tax; `nil` unless both read.
    public func expectedTax(net: String, rate: String) -> String? {
        guard let net = try? Money(parsing: HalfWidth.normalise(net, upperCase: false).trimmingSpaces()),
            let rate = try? TaxRate(parsing: HalfWidth.normalise(rate, upperCase: false).trimmingSpaces())
        else { return nil }
        return DecimalText.format(rate.tax(on: net.minorUnits), scale: Money.scale)
    }

    /// net + tax, the only gross the validator accepts; `nil` unless both read.
    public func expectedGross(net: String, tax: String) -> String? {
        guard let net = try? Money(parsing: HalfWidth.normalise(net, upperCase: false).trimmingSpaces()),
            let tax = try? Money(parsing: HalfWidth.normalise(tax, upperCase: false).trimmingSpaces())
        else { return nil }
        let (sum, overflow) = net.minorUnits.addingReportingOverflow(tax.minorUnits)
        return overflow ? nil : DecimalText.format(sum, scale: Money.scale)
    }

    /// A line's quantity × unit price rounded half-up to the fen; `nil` unless both read.
    public func expectedLineNet(quantity: String, unitPrice: String) -> String? {
        guard let quantity = try? DecimalText.parse(HalfWidth.normalise(quantity, upperCase: false), scale: 6),
            let unitPrice = try? DecimalText.parse(HalfWidth.normalise(unitPrice, upperCase: false), scale: 6)
        else { return nil }
        let net = Checker.lineNet(quantity: quantity, unitPrice: unitPrice)
        return net <= Int128(Int64.max) ? DecimalText.format(Int64(net), scale: Money.scale) : nil
    }

    /// `text` made what the validator reads for `field`: full-width forms half-width, codes and IDs
    /// upper case; names and notes as typed.
    public static func normalised(_ field: String, _ text: String) -> String {
        HalfWidth.headerFields[field].map { HalfWidth.normalise(text, upperCase: $0) } ?? text
    }

    private static func type(in answered: [String: String]) -> InvoiceType? {
        answered["type"].flatMap { InvoiceType(rawValue: normalised("type", $0).trimmingSpaces()) }
    }

    private static func answer(_ path: String, _ check: Checker) throws(ValidationFailure) -> String? {
        if let issue = check.issues.first(where: { $0.field == path }) { throw ValidationFailure(issues: [issue]) }
        return check.optional(path)
    }
}
