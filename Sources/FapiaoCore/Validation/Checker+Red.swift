extension Checker {
    /// Reads what a red invoice says about its original (``RedReference``); for a normal invoice,
    /// refuses any of those fields.
    mutating func redReference(
        kind: InvoiceKind,
        type: InvoiceType?,
        issueDate: CalendarDate?,
        currency: String,
        policy: ValidationPolicy
    ) -> RedReference? {
        guard kind == .red else {
            for field in RedReference.fields where optional(field) != nil {
                fail(field, "redOnly", "is only for red invoices (kind red)")
            }
            return nil
        }
        var ok = true
        let reason = optional("redReason")
        if let reason {
            if !policy.red.reasons.contains(reason) {
                fail(
                    "redReason",
                    "oneOf",
                    "must be one of \(policy.red.reasons.joined(separator: ", ")) (the \(policy.profileName) profile's reasons), not \(reason.quotedExcerpt)"
                )
                ok = false
            }
        } else {
            fail(
                "redReason",
                "required",
                "must say why the original is reversed: \(policy.red.reasons.joined(separator: ", "))"
            )
            ok = false
        }

        let confirmation = optional("redConfirmation")
        let accepted = type.map { policy.red.confirmations(for: $0) } ?? []
        if let confirmation {
            if accepted.isEmpty, type != nil {
                fail("redConfirmation", "profile", "is not used for this type under the \(policy.profileName) profile")
                ok = false
            } else if !accepted.isEmpty, !isDigits(confirmation, counts: Set(accepted.map(\.digits))) {
                fail(
                    "redConfirmation",
                    "format",
                    "must be \(Self.confirmationText(accepted)), not \(confirmation.quotedExcerpt)"
                )
                ok = false
            }
        } else if !accepted.isEmpty {
            fail(
                "redConfirmation",
                "required",
                "must give \(Self.confirmationText(accepted)) for a red invoice of this type"
            )
            ok = false
        }

        let originalCode = optional("originalCode")
        if let type, type.isDigital, originalCode != nil {
            fail("originalCode", "digitalNoCode", "must be empty: a digital invoice has no code")
            ok = false
        } else if let originalCode, !isDigits(originalCode, counts: [10, 12]) {
            fail("originalCode", "format", "must be 10 or 12 digits")
            ok = false
        } else if let type, type == .special || type == .ordinary, originalCode == nil {
            fail("originalCode", "required", "must give the original's 发票代码 (10 or 12 digits) for a legacy invoice")
            ok = false
        }

        var originalIssueDate: CalendarDate?
        if let text = optional("originalIssueDate") {
            if let date = CalendarDate(parsing: text) {
                originalIssueDate = date
                if let issueDate, date > issueDate {
                    fail(
                        "originalIssueDate",
                        "beforeRed",
                        "must not be after the red invoice's issue date \(issueDate)"
                    )
                    ok = false
                }
            } else {
                fail("originalIssueDate", "format", "must be a real date written YYYY-MM-DD, not \(text.quotedExcerpt)")
                ok = false
            }
        }

        let given = ["originalNet", "originalTax", "originalGross"].filter { optional($0) != nil }
        var amounts: [Money] = []
        if !given.isEmpty {
            if given.count < 3 {
                fail(
                    "originalNet",
                    "together",
                    "originalNet, originalTax and originalGross are given together or not at all"
                )
                ok = false
            } else {
                for field in given {
                    guard let money = money(field, currency: currency, negative: false) else {
                        ok = false
                        continue
                    }
                    amounts.append(money)
                }
                if amounts.count == 3, amounts[0].minorUnits &+ amounts[1].minorUnits != amounts[2].minorUnits {
                    fail("originalGross", "grossMismatch", "must equal originalNet + originalTax exactly")
                    ok = false
                }
            }
        }
        guard ok, let reason else { return nil }
        return RedReference(
            reason: reason,
            confirmation: confirmation,
            originalCode: originalCode,
            originalIssueDate: originalIssueDate,
            originalNet: amounts.count == 3 ? amounts[0] : nil,
            originalTax: amounts.count == 3 ? amounts[1] : nil,
            originalGross: amounts.count == 3 ? amounts[2] : nil
        )
    }

    static func confirmationText(_ accepted: [Profile.RedRules.Confirmation]) -> String {
        "the " + accepted.map { "\($0.digits)-digit \($0.name) number" }.joined(separator: " or the ")
    }
}
