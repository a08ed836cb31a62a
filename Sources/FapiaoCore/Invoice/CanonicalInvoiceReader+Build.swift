import Foundation

/// Converting the members read, as `Invoice(stored:)` does.
extension CanonicalInvoiceReader {
    static func build(_ fields: Fields) -> Invoice? {
        guard let idText = fields.id, let id = UUID(uuidText: idText),
            let kindText = fields.kind, let kind = InvoiceKind(rawValue: kindText),
            let typeText = fields.type, let type = InvoiceType(rawValue: typeText),
            let dateText = fields.issueDate, let issueDate = CalendarDate(parsing: dateText),
            let capturedText = fields.capturedAt, let capturedAt = UTCTimestamp(parsing: capturedText),
            let sellerName = fields.sellerName, let sellerTaxID = fields.sellerTaxID,
            let buyerName = fields.buyerName, let buyerTaxID = fields.buyerTaxID,
            let currency = fields.currency, let number = fields.number, let branch = fields.branch,
            let net = money(fields.net, currency), let tax = money(fields.tax, currency),
            let gross = money(fields.gross, currency), let taxRate = rate(fields.taxRate)
        else { return nil }
        var lines: [InvoiceLine] = []
        for line in fields.lines ?? [] {
            guard let description = line.description, let lineNet = money(line.net, currency),
                let lineTax = money(line.tax, currency), let lineRate = rate(line.taxRate)
            else { return nil }
            lines.append(
                InvoiceLine(
                    description: description,
                    quantity: line.quantity,
                    unitPrice: line.unitPrice,
                    net: lineNet,
                    taxRate: lineRate,
                    tax: lineTax
                )
            )
        }
        var voidRecord: VoidRecord?
        if fields.hasVoid {
            guard let atText = fields.voidAt, let at = UTCTimestamp(parsing: atText), let by = fields.voidBy,
                let reason = fields.voidReason
            else { return nil }
            voidRecord = VoidRecord(reason: reason, at: at, by: by)
        }
        var redReference: RedReference?
        if fields.hasRed {
            guard let reason = fields.redReason else { return nil }
            var reference = RedReference(
                reason: reason,
                confirmation: fields.confirmation,
                originalCode: fields.originalCode
            )
            if let text = fields.originalIssueDate {
                guard let date = CalendarDate(parsing: text) else { return nil }
                reference.originalIssueDate = date
            }
            if let text = fields.originalNet {
                guard let amount = money(text, currency) else { return nil }
                reference.originalNet = amount
            }
            if let text = fields.originalTax {
                guard let amount = money(text, currency) else { return nil }
                reference.originalTax = amount
            }
            if let text = fields.originalGross {
                guard let amount = money(text, currency) else { return nil }
                reference.originalGross = amount
            }
            redReference = reference
        }
        return Invoice(
            id: id,
            kind: kind,
            originalNumber: fields.originalNumber,
            type: type,
            code: fields.code,
            number: number,
            issueDate: issueDate,
            seller: Party(name: sellerName, taxID: sellerTaxID),
            buyer: Party(name: buyerName, taxID: buyerTaxID),
            lines: lines,
            net: net,
            tax: tax,
            gross: gross,
            taxRate: taxRate,
            checkCode: fields.checkCode,
            note: fields.note,
            operatorName: fields.operatorName,
            capturedAt: capturedAt,
            branch: branch,
            void: voidRecord,
            red: redReference
        )
    }

    static func money(_ text: String?, _ currency: String) -> Money? {
        guard let text else { return nil }
        return try? Money(parsing: text, currency: currency, allowNegative: true)
    }

    static func rate(_ text: String?) -> TaxRate? {
        guard let text else { return nil }
        return try? TaxRate(parsing: text)
    }
}
