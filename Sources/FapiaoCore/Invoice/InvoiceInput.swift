import Foundation

/// An invoice as typed or imported, before validation: flat text fields by path.
///
/// JSON documents, CSV rows and command-line flags all become this one shape, so the
/// same ``InvoiceValidator`` checks every way in. Structural problems (a JSON number
/// where a decimal string belongs, an unknown field) are collected, not thrown, so they
/// are reported together with the rule violations.
public struct InvoiceInput: Hashable, Sendable {
    /// Header fields by path, such as `type`, `number`, `seller.taxID` and `net`.
    public var fields: [String: String]
    /// Line fields by name (`description`, `quantity`, `unitPrice`, `net`, `taxRate`, `tax`).
    public var lines: [[String: String]]
    /// Problems found while reading the input.
    public var problems: [ValidationIssue]

    public init(fields: [String: String] = [:], lines: [[String: String]] = [], problems: [ValidationIssue] = []) {
        self.fields = fields
        self.lines = lines
        self.problems = problems
    }

    /// The header fields a clerk may give, in the order CSV files and messages use.
    public static let headerFields =
        [
            "id", "kind", "originalNumber", "type", "code", "number", "issueDate",
            "seller.name", "seller.taxID", "buyer.name", "buyer.taxID",
            "net", "taxRate", "tax", "gross", "currency", "checkCode", "note", "operator",
        ] + RedReference.fields

    /// The fields of one invoice line.
    public static let lineFields = ["description", "quantity", "unitPrice", "net", "taxRate", "tax"]

    /// Fields fapiao sets itself; present in `show --format json` output, refused on capture.
    public static let systemFields: Set<String> = [
        "capturedAt", "branch", "void", "state", "stateReason", "clock", "version",
    ]

    private static let knownHeaderFields = Set(headerFields)
    private static let knownLineFields = Set(lineFields)

    /// Reads a JSON object in the wire form (DESIGN §3).
    public static func fromJSON(_ value: JSONValue) -> InvoiceInput {
        var input = InvoiceInput()
        guard case .object(let members) = value else {
            input.problems.append(
                ValidationIssue(field: "invoice", rule: "type", message: "must be a JSON object, not \(value.typeName)")
            )
            return input
        }
        for (key, member) in members {
            switch (key, member) {
            case ("seller", .object(let party)), ("buyer", .object(let party)):
                for (partyKey, partyValue) in party {
                    input.take("\(key).\(partyKey)", partyValue, known: knownHeaderFields)
                }
            case ("seller", .null), ("buyer", .null):
                continue
            case ("seller", _), ("buyer", _):
                input.problems.append(
                    ValidationIssue(
                        field: key,
                        rule: "type",
                        message: "must be an object with name and taxID, not \(member.typeName)"
                    )
                )
            case ("lines", .array(let lines)):
                for (index, line) in lines.enumerated() {
                    input.takeLine(index: index, line)
                }
            case ("lines", .null):
                continue
            case ("lines", _):
                input.problems.append(
                    ValidationIssue(field: "lines", rule: "type", message: "must be an array, not \(member.typeName)")
                )
            case _ where systemFields.contains(key):
                continue  // Set by fapiao; ignored on input so `show --format json` output can be fed back.
            default:
                input.take(key, member, known: knownHeaderFields)
            }
        }
        return input
    }

    /// Reads one CSV row given the file's header row.
    public static func fromCSV(header: [String], row: [String]) -> InvoiceInput {
        var input = InvoiceInput()
        for (index, name) in header.enumerated() {
            let value = index < row.count ? row[index] : ""
            guard knownHeaderFields.contains(name) else {
                if !value.isEmpty, !systemFields.contains(name) {
                    input.problems.append(Self.unknownField(name))
                }
                continue
            }
            if !value.isEmpty { input.fields[name] = value }
        }
        // A row short of cells is as malformed as one with too many (RFC 4180): which cells went
        // missing cannot be told, so neither is read as empty.
        if row.count != header.count {
            input.problems.append(
                ValidationIssue(
                    field: "row",
                    rule: "columns",
                    message: "has \(row.count) cells but the header names \(header.count) columns"
                )
            )
        }
        return input
    }

    static func unknownField(_ name: String) -> ValidationIssue {
        ValidationIssue(
            field: name.excerpt,
            rule: "unknownField",
            message: "is not an invoice field (check the spelling; fields are \(headerFields.joined(separator: ", ")))"
        )
    }

    private mutating func take(_ path: String, _ value: JSONValue, known: Set<String>) {
        guard known.contains(path) else {
            problems.append(Self.unknownField(path))
            return
        }
        switch value {
        case .string(let text): fields[path] = text
        case .null: break
        case .number(let text):
            problems.append(
                ValidationIssue(
                    field: path,
                    rule: "type",
                    message:
                        "must be a string such as \(text.quotedExcerpt) in quotes, not a JSON number (numbers lose precision)"
                )
            )
        default:
            problems.append(
                ValidationIssue(field: path, rule: "type", message: "must be a string, not \(value.typeName)")
            )
        }
    }

    private mutating func takeLine(index: Int, _ value: JSONValue) {
        let prefix = "lines[\(index + 1)]"
        guard case .object(let members) = value else {
            problems.append(
                ValidationIssue(field: prefix, rule: "type", message: "must be an object, not \(value.typeName)")
            )
            lines.append([:])
            return
        }
        var line: [String: String] = [:]
        for (key, member) in members {
            guard Self.knownLineFields.contains(key) else {
                problems.append(
                    ValidationIssue(
                        field: "\(prefix).\(key.excerpt)",
                        rule: "unknownField",
                        message: "is not a line field (fields are \(Self.lineFields.joined(separator: ", ")))"
                    )
                )
                continue
            }
            switch member {
            case .string(let text): line[key] = text
            case .null: break
            case .number(let text):
                problems.append(
                    ValidationIssue(
                        field: "\(prefix).\(key)",
                        rule: "type",
                        message:
                            "must be a string such as \(text.quotedExcerpt) in quotes, not a JSON number (numbers lose precision)"
                    )
                )
            default:
                problems.append(
                    ValidationIssue(
                        field: "\(prefix).\(key)",
                        rule: "type",
                        message: "must be a string, not \(member.typeName)"
                    )
                )
            }
        }
        lines.append(line)
    }
}

extension InvoiceInput {
    /// The input that would produce `invoice` again: the starting point of an amend.
    ///
    /// The centre validates every pushed invoice through this, so the dictionaries are sized
    /// once and only the fields the invoice has are set (assigning `nil` costs a look-up).
    public init(invoice: Invoice) {
        var fields = [String: String](minimumCapacity: 24)
        fields["id"] = invoice.id.uuidText
        fields["kind"] = invoice.kind.rawValue
        fields["type"] = invoice.type.rawValue
        fields["number"] = invoice.number
        fields["issueDate"] = invoice.issueDate.description
        fields["seller.name"] = invoice.seller.name
        fields["seller.taxID"] = invoice.seller.taxID
        fields["buyer.name"] = invoice.buyer.name
        fields["buyer.taxID"] = invoice.buyer.taxID
        fields["net"] = invoice.net.decimalText
        fields["taxRate"] = invoice.taxRate.decimalText
        fields["tax"] = invoice.tax.decimalText
        fields["gross"] = invoice.gross.decimalText
        fields["currency"] = invoice.currency
        func set(_ key: String, _ value: String?) {
            if let value { fields[key] = value }
        }
        set("code", invoice.code)
        set("originalNumber", invoice.originalNumber)
        if let red = invoice.red {
            set("redReason", red.reason)
            set("redConfirmation", red.confirmation)
            set("originalCode", red.originalCode)
            set("originalIssueDate", red.originalIssueDate?.description)
            set("originalNet", red.originalNet?.decimalText)
            set("originalTax", red.originalTax?.decimalText)
            set("originalGross", red.originalGross?.decimalText)
        }
        set("checkCode", invoice.checkCode)
        set("note", invoice.note)
        set("operator", invoice.operatorName)
        let lines = invoice.lines.map { line in
            var fields = [String: String](minimumCapacity: 6)
            fields["description"] = line.description
            fields["net"] = line.net.decimalText
            fields["taxRate"] = line.taxRate.decimalText
            fields["tax"] = line.tax.decimalText
            if let quantity = line.quantity { fields["quantity"] = quantity }
            if let unitPrice = line.unitPrice { fields["unitPrice"] = unitPrice }
            return fields
        }
        self.init(fields: fields, lines: lines)
    }
}
