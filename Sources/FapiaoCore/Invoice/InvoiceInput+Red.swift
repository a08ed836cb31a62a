extension InvoiceInput {
    /// The input of a red invoice reversing `original`: its type, seller, buyer and rate, the
    /// reference to it, and either the given amounts or, when none are given, the original's
    /// amounts and lines negated (a full reversal).
    ///
    /// - Parameters:
    ///   - original: the blue invoice reversed.
    ///   - number: the red invoice's own number.
    ///   - code: its own code (legacy types).
    ///   - issueDate: the red invoice's issue date.
    ///   - reason: one of the profile's reasons.
    ///   - confirmation: the red confirmation number, when the profile asks for one.
    ///   - amounts: net, tax and gross of a partial reversal, as printed (negative); `nil` for in full.
    /// - Returns: input for ``InvoiceValidator``; the journal then checks it against the original.
    public static func red(
        reversing original: Invoice,
        number: String,
        code: String?,
        issueDate: CalendarDate,
        reason: String,
        confirmation: String?,
        amounts: (net: String, tax: String, gross: String)?
    ) -> InvoiceInput {
        var fields: [String: String] = [
            "kind": InvoiceKind.red.rawValue,
            "type": original.type.rawValue,
            "number": number,
            "issueDate": issueDate.description,
            "seller.name": original.seller.name,
            "seller.taxID": original.seller.taxID,
            "buyer.name": original.buyer.name,
            "taxRate": original.taxRate.decimalText,
            "currency": original.currency,
            "originalNumber": original.number,
            "originalIssueDate": original.issueDate.description,
            "redReason": reason,
        ]
        if !original.buyer.taxID.isEmpty { fields["buyer.taxID"] = original.buyer.taxID }
        fields["code"] = code
        fields["originalCode"] = original.code
        fields["redConfirmation"] = confirmation
        var lines: [[String: String]] = []
        if let amounts {
            fields["net"] = amounts.net
            fields["tax"] = amounts.tax
            fields["gross"] = amounts.gross
        } else {
            fields["net"] = Money(minorUnits: -original.net.minorUnits).decimalText
            fields["tax"] = Money(minorUnits: -original.tax.minorUnits).decimalText
            fields["gross"] = Money(minorUnits: -original.gross.minorUnits).decimalText
            lines = original.lines.map { line in
                var fields: [String: String] = [
                    "description": line.description,
                    "net": Money(minorUnits: -line.net.minorUnits).decimalText,
                    "taxRate": line.taxRate.decimalText,
                    "tax": Money(minorUnits: -line.tax.minorUnits).decimalText,
                ]
                // Quantity and unit price stay as printed; the rules compare the net's magnitude.
                fields["quantity"] = line.quantity
                fields["unitPrice"] = line.unitPrice
                return fields
            }
        }
        return InvoiceInput(fields: fields, lines: lines)
    }
}
