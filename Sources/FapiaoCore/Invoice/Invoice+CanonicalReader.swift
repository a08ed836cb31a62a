import Foundation

extension Invoice {
    /// Reads an invoice from the bytes ``canonicalBytes`` writes, straight to its fields.
    ///
    /// A sync reads every queued invoice back from its stored form; building a JSON tree and
    /// looking its members up cost more than the rest of reading the outbox. This reader takes
    /// only what ``canonicalBytes`` produces: no whitespace, strings with the writer's escapes
    /// only, the known members each at most once, and nothing after the document. Anything else gives `nil`,
    /// and the caller reads the text with ``init(stored:)``, which decides. Whenever this reader
    /// gives an invoice, it is the one ``init(stored:)`` gives (a test mutates stored forms at
    /// random to hold it to that).
    public init?(canonical text: String) {
        var text = text
        let read = text.withUTF8 { bytes -> Invoice? in
            var reader = CanonicalInvoiceReader(bytes: bytes)
            return reader.invoice()
        }
        guard let read else { return nil }
        self = read
    }
}

extension Invoice {
    /// Reads an invoice from its stored text: ``init(canonical:)`` when the text is in the form
    /// this version writes, else the general ``init(stored:)`` (older or hand-edited forms, and
    /// every error message).
    public init(storedText text: String) throws {
        if let invoice = Invoice(canonical: text) {
            self = invoice
        } else {
            self = try Invoice(stored: JSONValue.parse(text))
        }
    }
}

/// The scanner behind ``Invoice/init(canonical:)``.
private struct CanonicalInvoiceReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    /// The members of an invoice as text, before any is converted.
    struct Fields {
        var top: [String: String] = [:]
        var seller: [String: String]?
        var buyer: [String: String]?
        var lines: [[String: String]]?
        var void: [String: String]?
        var red: [String: String]?
    }

    static let topLevelStrings: Set<String> = [
        "branch", "capturedAt", "checkCode", "code", "currency", "gross", "id", "issueDate", "kind", "net", "note",
        "number", "operator", "originalNumber", "tax", "taxRate", "type",
    ]
    static let partyMembers: Set<String> = ["name", "taxID"]
    static let lineMembers: Set<String> = ["description", "net", "quantity", "tax", "taxRate", "unitPrice"]
    static let voidMembers: Set<String> = ["at", "by", "reason"]
    static let redMembers: Set<String> = [
        "confirmation", "originalCode", "originalGross", "originalIssueDate", "originalNet", "originalTax", "reason",
    ]

    mutating func invoice() -> Invoice? {
        var fields = Fields()
        let complete = Self.object(&self) { reader, name in
            if Self.topLevelStrings.contains(name) {
                guard fields.top[name] == nil, let value = reader.string() else { return false }
                fields.top[name] = value
                return true
            }
            switch name {
            case "seller":
                guard fields.seller == nil else { return false }
                fields.seller = reader.stringObject(allowing: Self.partyMembers)
                return fields.seller != nil
            case "buyer":
                guard fields.buyer == nil else { return false }
                fields.buyer = reader.stringObject(allowing: Self.partyMembers)
                return fields.buyer != nil
            case "void":
                guard fields.void == nil else { return false }
                fields.void = reader.stringObject(allowing: Self.voidMembers)
                return fields.void != nil
            case "red":
                guard fields.red == nil else { return false }
                fields.red = reader.stringObject(allowing: Self.redMembers)
                return fields.red != nil
            case "lines":
                guard fields.lines == nil else { return false }
                fields.lines = reader.lines()
                return fields.lines != nil
            default:
                return false
            }
        }
        guard complete, index == bytes.count else { return nil }
        return Self.build(fields)
    }

    // MARK: Scanning

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// A string as the canonical writer writes it; `nil` for a control character or an escape it
    /// does not write.
    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
            if byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// The rest of a string that has an escape: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u00xx` (lowercase
    /// hex) for the other control characters, the only escapes the canonical writer uses.
    mutating func escapedString(from start: Int) -> String? {
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(escape)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "0"),
                        bytes[index + 1] == UInt8(ascii: "0"), let high = Self.hexValue(bytes[index + 2]), high < 2,
                        let low = Self.hexValue(bytes[index + 3])
                    else { return nil }
                    let control = high << 4 | low
                    // The writer gives these three their short forms.
                    guard control != 0x0A, control != 0x0D, control != 0x09 else { return nil }
                    out.append(control)
                    index += 4
                default:
                    return nil
                }
            case 0..<0x20:
                return nil
            default:
                out.append(byte)
            }
        }
        return nil
    }

    /// The value of a lowercase hexadecimal digit.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// Reads `{"name":…,…}`; `member` reads each value and says whether it could.
    static func object(_ reader: inout Self, _ member: (inout Self, String) -> Bool) -> Bool {
        guard reader.take(UInt8(ascii: "{")) else { return false }
        if reader.take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let name = reader.string(), reader.take(UInt8(ascii: ":")), member(&reader, name) else {
                return false
            }
        } while reader.take(UInt8(ascii: ","))
        return reader.take(UInt8(ascii: "}"))
    }

    /// An object whose members are strings named in `allowed`, each at most once.
    mutating func stringObject(allowing allowed: Set<String>) -> [String: String]? {
        var members: [String: String] = [:]
        let complete = Self.object(&self) { reader, name in
            guard allowed.contains(name), members[name] == nil, let value = reader.string() else { return false }
            members[name] = value
            return true
        }
        return complete ? members : nil
    }

    mutating func lines() -> [[String: String]]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var lines: [[String: String]] = []
        if take(UInt8(ascii: "]")) { return lines }
        repeat {
            guard let line = stringObject(allowing: Self.lineMembers) else { return nil }
            lines.append(line)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? lines : nil
    }

    // MARK: Converting, as Invoice(stored:) does

    static func build(_ fields: Fields) -> Invoice? {
        let top = fields.top
        guard let idText = top["id"], let id = UUID(uuidText: idText),
            let kindText = top["kind"], let kind = InvoiceKind(rawValue: kindText),
            let typeText = top["type"], let type = InvoiceType(rawValue: typeText),
            let dateText = top["issueDate"], let issueDate = CalendarDate(parsing: dateText),
            let capturedText = top["capturedAt"], let capturedAt = UTCTimestamp(parsing: capturedText),
            let seller = fields.seller, let sellerName = seller["name"], let sellerTaxID = seller["taxID"],
            let buyer = fields.buyer, let buyerName = buyer["name"], let buyerTaxID = buyer["taxID"],
            let currency = top["currency"], let number = top["number"], let branch = top["branch"],
            let net = money(top["net"], currency), let tax = money(top["tax"], currency),
            let gross = money(top["gross"], currency),
            let rateText = top["taxRate"], let taxRate = try? TaxRate(parsing: rateText)
        else { return nil }
        var lines: [InvoiceLine] = []
        for line in fields.lines ?? [] {
            guard let description = line["description"], let lineNet = money(line["net"], currency),
                let lineTax = money(line["tax"], currency),
                let rateText = line["taxRate"], let lineRate = try? TaxRate(parsing: rateText)
            else { return nil }
            lines.append(
                InvoiceLine(
                    description: description,
                    quantity: line["quantity"],
                    unitPrice: line["unitPrice"],
                    net: lineNet,
                    taxRate: lineRate,
                    tax: lineTax
                )
            )
        }
        var voidRecord: VoidRecord?
        if let void = fields.void {
            guard let atText = void["at"], let at = UTCTimestamp(parsing: atText), let by = void["by"],
                let reason = void["reason"]
            else { return nil }
            voidRecord = VoidRecord(reason: reason, at: at, by: by)
        }
        var redReference: RedReference?
        if let red = fields.red {
            guard let reason = red["reason"] else { return nil }
            var originalDate: CalendarDate?
            if let text = red["originalIssueDate"] {
                guard let date = CalendarDate(parsing: text) else { return nil }
                originalDate = date
            }
            func amount(_ name: String) -> Money?? {
                guard let text = red[name] else { return .some(nil) }
                return money(text, currency).map { .some($0) }
            }
            guard let originalNet = amount("originalNet"), let originalTax = amount("originalTax"),
                let originalGross = amount("originalGross")
            else { return nil }
            redReference = RedReference(
                reason: reason,
                confirmation: red["confirmation"],
                originalCode: red["originalCode"],
                originalIssueDate: originalDate,
                originalNet: originalNet,
                originalTax: originalTax,
                originalGross: originalGross
            )
        }
        return Invoice(
            id: id,
            kind: kind,
            originalNumber: top["originalNumber"],
            type: type,
            code: top["code"],
            number: number,
            issueDate: issueDate,
            seller: Party(name: sellerName, taxID: sellerTaxID),
            buyer: Party(name: buyerName, taxID: buyerTaxID),
            lines: lines,
            net: net,
            tax: tax,
            gross: gross,
            taxRate: taxRate,
            checkCode: top["checkCode"],
            note: top["note"],
            operatorName: top["operator"],
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
}
