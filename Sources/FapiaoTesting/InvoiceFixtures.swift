import FapiaoCore
import Foundation

/// Invoices for tests: the DESIGN §3 example, valid on any date a test chooses.
///
/// The DESIGN example is of type `ordinary` with a 20-digit number, which the number
/// rules refuse for a legacy type, so the fixture is a digital ordinary invoice (数电普票).
public enum InvoiceFixtures {
    /// The example's number, 20 digits.
    public static let number = "26110000000000000001"
    /// The seller's name.
    public static let sellerName = "北京示例科技有限公司"
    /// The seller's Unified Social Credit Code (valid check character `3`).
    public static let sellerTaxID = "91350100M000100Y43"
    /// The buyer's name.
    public static let buyerName = "北京客户有限公司"
    /// The buyer's Unified Social Credit Code (valid check character `B`).
    public static let buyerTaxID = "91110000802100433B"

    /// A 20-digit digital invoice number that differs from the fixture's in its last digits.
    /// - Parameter sequence: a number from 0 to 9,999,999,999,999,999.
    /// - Returns: `2611` followed by `sequence` in 16 digits; `number(1)` is ``number``.
    public static func number(_ sequence: Int) -> String {
        let digits = String(sequence)
        return "2611" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// The example invoice, issued `daysAgo` days before the clock's date in Asia/Shanghai.
    ///
    /// - Parameters:
    ///   - clock: the clock whose Shanghai date is "today".
    ///   - daysAgo: how many days before today the invoice was issued.
    ///   - number: the invoice number.
    /// - Returns: input that passes ``InvoiceValidator`` at the clock's instant.
    public static func validInput(clock: ManualClock, daysAgo: Int = 0, number: String = number) -> InvoiceInput {
        validInput(issueDate: clock.shanghaiToday.adding(days: -daysAgo), number: number)
    }

    /// The example invoice: net 520.75 at 6 %, tax 31.25, gross 552.00, one line 技术服务费.
    ///
    /// - Parameters:
    ///   - issueDate: the issue date.
    ///   - number: the invoice number.
    ///   - sellerTaxID: the seller's taxpayer ID.
    ///   - buyerName: the buyer's name.
    /// - Returns: the input, as `fapiao enqueue --json` would read it.
    public static func validInput(
        issueDate: CalendarDate,
        number: String = number,
        sellerTaxID: String = sellerTaxID,
        buyerName: String = buyerName
    ) -> InvoiceInput {
        InvoiceInput(
            fields: [
                "type": InvoiceType.digitalOrdinary.rawValue,
                "number": number,
                "issueDate": issueDate.description,
                "seller.name": sellerName,
                "seller.taxID": sellerTaxID,
                "buyer.name": buyerName,
                "buyer.taxID": buyerTaxID,
                "net": "520.75",
                "taxRate": "0.06",
                "tax": "31.25",
                "gross": "552.00",
                "currency": "CNY",
            ],
            lines: [
                [
                    "description": "技术服务费",
                    "quantity": "1",
                    "unitPrice": "520.75",
                    "net": "520.75",
                    "taxRate": "0.06",
                    "tax": "31.25",
                ]
            ]
        )
    }

    /// The 12-digit 发票代码 of ``paperInput(issueDate:sequence:)``.
    public static let paperCode = "011002600111"

    /// The example invoice on paper (普票 with a code and an 8-digit number), which a profile
    /// whose void rule is `issueMonth` lets a branch void within its month of issue.
    ///
    /// - Parameters:
    ///   - issueDate: the issue date.
    ///   - sequence: the 8-digit number's value.
    /// - Returns: input that passes ``InvoiceValidator`` under a profile that allows `ordinary`.
    public static func paperInput(issueDate: CalendarDate, sequence: Int = 1) -> InvoiceInput {
        var input = validInput(issueDate: issueDate)
        let digits = String(sequence)
        input.fields["type"] = InvoiceType.ordinary.rawValue
        input.fields["code"] = paperCode
        input.fields["number"] = String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        return input
    }

    /// The wire form (DESIGN §3) of `input`: nested `seller` and `buyer`, lines as an array.
    ///
    /// - Parameter input: input whose fields and lines are all strings.
    /// - Returns: a JSON object whose ``CanonicalJSON/text`` is one line of a JSONL file.
    public static func json(_ input: InvoiceInput) -> CanonicalJSON {
        var members: [String: CanonicalJSON] = [:]
        var parties: [String: [String: CanonicalJSON]] = [:]
        for (path, value) in input.fields {
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                parties[parts[0], default: [:]][parts[1]] = .string(value)
            } else {
                members[path] = .string(value)
            }
        }
        for (party, fields) in parties { members[party] = .object(fields) }
        if !input.lines.isEmpty {
            members["lines"] = .array(input.lines.map { line in .object(line.mapValues(CanonicalJSON.string)) })
        }
        return .object(members)
    }
}
