import FapiaoCore
import Foundation

extension InvoiceInterview {
    /// Offers line items one after another until the clerk says no.
    mutating func askLines() throws {
        while try confirm(lines.isEmpty ? text.addLine : text.addAnotherLine) {
            lines.append([:])
            say(text.lineHeader(lines.count))
            for field in InvoiceInput.lineFields {
                try askLine(field, number: lines.count)
            }
        }
    }

    /// Asks one field of line `number` (1-based), offering what follows from its other fields.
    mutating func askLine(_ field: String, number: Int, current: String? = nil) throws {
        let index = number - 1
        let label = text.lineLabel(field, rates: rules.policy.rateTable.listText)
        let optional = field == "quantity" || field == "unitPrice"
        let typed = try ask(
            label,
            default: current ?? lineSuggestion(for: field, line: lines[index]),
            optional: optional
        ) {
            [rules] typed throws(ValidationFailure) in
            try rules.checkLine(field, typed, number: number)
        }
        lines[index][field] = typed.isEmpty ? nil : typed
    }

    /// The default offered for a line field: quantity × unit price, the invoice's rate, net × rate.
    func lineSuggestion(for field: String, line: [String: String]) -> String? {
        switch field {
        case "net":
            line["quantity"].flatMap { quantity in
                line["unitPrice"].flatMap { rules.expectedLineNet(quantity: quantity, unitPrice: $0) }
            }
        case "taxRate":
            fields["taxRate"].map { FieldRules.normalised("taxRate", $0).trimmingCharacters(in: .whitespaces) }
        case "tax": line["net"].flatMap { net in line["taxRate"].flatMap { rules.expectedTax(net: net, rate: $0) } }
        default: nil
        }
    }
}
