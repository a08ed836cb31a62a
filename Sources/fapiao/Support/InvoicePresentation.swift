import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

/// How invoices are shown: table rows, JSON objects, field listings.
enum InvoicePresentation {
    static let tableHeader = ["ID", "NUMBER", "ISSUED", "SELLER TAX ID", "BUYER", "GROSS", "STATE"]

    static func tableRow(_ record: InvoiceRecord) -> [String] {
        let invoice = record.invoice
        return [
            String(invoice.id.uuidText.prefix(8)), invoice.number, invoice.issueDate.description,
            invoice.seller.taxID,
            truncated(invoice.buyer.name, width: 24), invoice.gross.decimalText, record.stateText,
        ]
    }

    static let csvHeader = InvoiceInput.headerFields + ["capturedAt", "branch", "state", "voided"]

    static func csvRow(_ record: InvoiceRecord) -> [String] {
        let fields = InvoiceInput(invoice: record.invoice).fields
        return InvoiceInput.headerFields.map { fields[$0] ?? "" } + [
            record.invoice.capturedAt.description, record.invoice.branch, record.syncState.rawValue,
            record.isVoided ? "true" : "false",
        ]
    }

    /// The invoice in wire form plus where it stands.
    static func json(_ record: InvoiceRecord) -> CanonicalJSON {
        guard case .object(var members) = record.invoice.canonicalJSON else { return .null }
        members["state"] = .string(record.syncState.rawValue)
        members["clock"] = record.clock.canonicalJSON
        if let reason = record.stateReason { members["stateReason"] = .string(reason) }
        return .object(members)
    }

    static func details(_ record: InvoiceRecord) -> String {
        let invoice = record.invoice
        var rows: [(String, String)] = [
            ("id", invoice.id.uuidText),
            ("state", record.stateText + (record.stateReason.map { ": \($0)" } ?? "")),
        ]
        rows += fieldRows(invoice)
        rows += [
            ("capturedAt", invoice.capturedAt.description),
            ("branch", invoice.branch),
            ("clock", record.clock.description),
        ]
        if let void = invoice.void { rows.append(("voided", "\(void.at) by \(void.by): \(void.reason)")) }
        return listing(rows, lines: invoice.lines)
    }

    /// An invoice not captured yet, as `show` will list it: its fields and lines, without the
    /// id, state and clock a capture gives it.
    static func summary(_ invoice: Invoice) -> String {
        listing(fieldRows(invoice), lines: invoice.lines)
    }

    /// The invoice's own fields, as `show` lists them.
    private static func fieldRows(_ invoice: Invoice) -> [(String, String)] {
        var rows: [(String, String)] = [
            ("kind", invoice.kind.rawValue),
            ("type", invoice.type.rawValue),
        ]
        if let code = invoice.code { rows.append(("code", code)) }
        rows += [
            ("number", invoice.number),
            ("issueDate", invoice.issueDate.description),
            ("seller", "\(invoice.seller.name)  \(invoice.seller.taxID)"),
            ("buyer", "\(invoice.buyer.name)  \(invoice.buyer.taxID)"),
            ("net", "\(invoice.net.decimalText) \(invoice.currency)"),
            ("taxRate", invoice.taxRate.percentText),
            ("tax", "\(invoice.tax.decimalText) \(invoice.currency)"),
            ("gross", "\(invoice.gross.decimalText) \(invoice.currency)"),
        ]
        if let originalNumber = invoice.originalNumber { rows.append(("originalNumber", originalNumber)) }
        if let checkCode = invoice.checkCode { rows.append(("checkCode", checkCode)) }
        if let note = invoice.note { rows.append(("note", note)) }
        if let operatorName = invoice.operatorName { rows.append(("operator", operatorName)) }
        return rows
    }

    /// Rows as `name  value`, then the lines as a table.
    private static func listing(_ rows: [(String, String)], lines: [InvoiceLine]) -> String {
        var text = rows.map { "\($0.0.padding(toLength: 11, withPad: " ", startingAt: 0)) \($0.1)" }.joined(
            separator: "\n"
        )
        if !lines.isEmpty {
            text += "\nlines:\n"
            text += table(
                ["#", "DESCRIPTION", "QTY", "UNIT PRICE", "NET", "RATE", "TAX"],
                lines.enumerated().map { index, line in
                    [
                        String(index + 1), line.description, line.quantity ?? "", line.unitPrice ?? "",
                        line.net.decimalText, line.taxRate.percentText, line.tax.decimalText,
                    ]
                }
            )
        }
        return text
    }
}
