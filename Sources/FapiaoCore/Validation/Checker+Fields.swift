extension Checker {
    /// The invoice type: one of ``InvoiceType``, and one the profile allows.
    mutating func invoiceType(policy: ValidationPolicy) -> InvoiceType? {
        guard let text = required("type") else { return nil }
        guard let type = InvoiceType(rawValue: text) else {
            fail("type", "oneOf", "must be one of \(InvoiceType.listText), not \(text.quotedExcerpt)")
            return nil
        }
        if !policy.allowedTypes.contains(type) {
            fail(
                "type",
                "profile",
                "must be a type the \(policy.profileName) profile allows ("
                    + policy.allowedTypes.map(\.rawValue).joined(separator: ", ") + "), not \(type.rawValue)"
            )
        }
        return type
    }

    /// The seller's taxpayer ID under the profile's scheme (never a resident ID).
    mutating func sellerTaxID(policy: ValidationPolicy, override: Bool) -> String? {
        taxID("seller.taxID", scheme: policy.taxIDScheme, allowResidentID: false, override: override)
    }

    /// The buyer's taxpayer ID: required on the types the profile names (special VAT invoices);
    /// on the others an individual buyer gives a name only, stored as an empty tax ID.
    mutating func buyerTaxID(type: InvoiceType?, policy: ValidationPolicy, override: Bool) -> String? {
        let required = type.map { policy.buyerTaxIDRequired.contains($0) } ?? true
        if !required && optional("buyer.taxID") == nil { return "" }
        return taxID(
            "buyer.taxID",
            scheme: policy.taxIDScheme,
            allowResidentID: true,
            override: override,
            requiredFor: required ? type : nil
        )
    }

    /// The 校验码, when given: 20 digits.
    mutating func checkCode() -> String? {
        let checkCode = optional("checkCode")
        if let checkCode, !isDigits(checkCode, counts: [20]) {
            fail("checkCode", "format", "must be 20 digits")
        }
        return checkCode
    }
}
