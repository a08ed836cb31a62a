extension Checker {
    mutating func lines(
        _ rawLines: [[String: String]],
        currency: String,
        negative: Bool,
        policy: ValidationPolicy
    ) -> [InvoiceLine]? {
        var lines: [InvoiceLine] = []
        var ok = true
        for (index, raw) in rawLines.enumerated() {
            var line = Checker(fields: raw, issues: [], prefix: "lines[\(index + 1)]")
            let description = line.text("description", required: true)
            let quantity = line.optional("quantity")
            let quantityValue = line.quantity("quantity")
            let unitPrice = line.optional("unitPrice")
            let unitPriceValue = unitPrice.flatMap { line.decimal("unitPrice", $0) }
            let net = line.money("net", currency: currency, negative: negative)
            if let quantityValue, quantityValue > 0, let unitPriceValue, let net {
                line.lineAmount(quantityValue, unitPriceValue, net: net, tolerance: policy.lineTaxTolerance)
            }
            let tax = line.money("tax", currency: currency, negative: negative)
            let rate = line.rate("taxRate", table: policy.rateTable)
            if let net, let tax, let rate {
                let expected = rate.tax(on: net.minorUnits)
                if (tax.minorUnits - expected).magnitude > policy.lineTaxTolerance.magnitude {
                    line.fail(
                        "tax",
                        "taxMismatch",
                        "must be net × rate = \(DecimalText.format(expected, scale: 2)) within "
                            + "\(DecimalText.format(policy.lineTaxTolerance, scale: 2)), not \(tax.decimalText)"
                    )
                }
            }
            // The reader's problems with this line's fields are already in `issues`; a refused value
            // is not also reported as empty.
            issues += line.issues.filter { issue in
                issue.rule != "required" || !issues.contains { $0.field == issue.field }
            }
            if line.issues.isEmpty, let description, let net, let tax, let rate {
                lines.append(
                    InvoiceLine(
                        description: description,
                        quantity: quantity,
                        unitPrice: unitPrice,
                        net: net,
                        taxRate: rate,
                        tax: tax
                    )
                )
            } else {
                ok = false
            }
        }
        return ok ? lines : nil
    }

    /// A line's quantity, if given, in millionths: a decimal greater than zero.
    mutating func quantity(_ field: String) -> Int64? {
        guard let text = optional(field), let value = decimal(field, text) else { return nil }
        if value == 0 {
            fail(field, "positive", "must be greater than zero, not \(text)")
            return nil
        }
        return value
    }

    /// A line's quantity or unit price, in millionths; `nil` (and an issue) when it is not a decimal.
    mutating func decimal(_ field: String, _ text: String) -> Int64? {
        do {
            return try DecimalText.parse(text, scale: 6)
        } catch {
            fail(
                field,
                error.ruleCode,
                error == .tooManyDecimals(allowed: 6) ? "must have at most 6 decimal places" : error.rule
            )
            return nil
        }
    }

    /// Quantity × unit price (both in millionths) in fen, rounded half-up.
    static func lineNet(quantity: Int64, unitPrice: Int64) -> Int128 {
        // Both in millionths: the product is in 10^-12 yuan, 10^10 of which make a fen.
        (Int128(quantity) * Int128(unitPrice) + 5_000_000_000) / 10_000_000_000
    }

    /// 金额 = 数量 × 单价: a line's net is its quantity times its unit price rounded half-up to the
    /// fen, within the line tolerance (on a red invoice the net is negative and the two positive).
    mutating func lineAmount(_ quantity: Int64, _ unitPrice: Int64, net: Money, tolerance: Int64) {
        let expected = Self.lineNet(quantity: quantity, unitPrice: unitPrice)
        let off = (expected - Int128(net.minorUnits.magnitude)).magnitude
        if off <= UInt128(tolerance.magnitude) { return }
        let expectedText = expected <= Int128(Int64.max) ? DecimalText.format(Int64(expected), scale: 2) : "too large"
        fail(
            "net",
            "quantityTimesPrice",
            "must be quantity × unit price = \(expectedText) within \(DecimalText.format(tolerance, scale: 2)), "
                + "not \(net.decimalText)"
        )
    }
}
