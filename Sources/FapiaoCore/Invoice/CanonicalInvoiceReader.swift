/// The scanner behind ``Invoice/init(canonical:)``.
///
/// Members go straight into optional fields, not a dictionary: a field set twice is a repeated
/// member, which the general reader refuses, so this one gives `nil` for it.
struct CanonicalInvoiceReader: CanonicalScanning {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// The JSON values read so far (objects, arrays and strings; the form has nothing else), as
    /// the parser counts them against its limit.
    var values = 0

    struct Line {
        var description, net, quantity, tax, taxRate, unitPrice: String?
    }

    /// The members of an invoice as text, before any is converted.
    struct Fields {
        var branch, capturedAt, checkCode, code, currency, gross, id, issueDate, kind, net, note: String?
        var number, operatorName, originalNumber, tax, taxRate, type: String?
        var sellerName, sellerTaxID, buyerName, buyerTaxID: String?
        var hasSeller = false, hasBuyer = false
        var lines: [Line]?
        var hasVoid = false
        var voidAt, voidBy, voidReason: String?
        var hasRed = false
        var confirmation, originalCode, originalGross, originalIssueDate, originalNet, originalTax: String?
        var redReason: String?
    }

    /// The invoice the bytes hold, and nothing after it.
    mutating func invoice() -> Invoice? {
        guard let invoice = invoiceObject(), index == bytes.count else { return nil }
        return invoice
    }

    /// The invoice at the start of the bytes; ``index`` is then where it ends.
    mutating func invoiceObject() -> Invoice? {
        var fields = Fields()
        let complete = object { reader, name in
            switch name {
            case "branch": return reader.assign(&fields.branch)
            case "buyer":
                guard !fields.hasBuyer else { return false }
                fields.hasBuyer = true
                return reader.party(&fields.buyerName, &fields.buyerTaxID)
            case "capturedAt": return reader.assign(&fields.capturedAt)
            case "checkCode": return reader.assign(&fields.checkCode)
            case "code": return reader.assign(&fields.code)
            case "currency": return reader.assign(&fields.currency)
            case "gross": return reader.assign(&fields.gross)
            case "id": return reader.assign(&fields.id)
            case "issueDate": return reader.assign(&fields.issueDate)
            case "kind": return reader.assign(&fields.kind)
            case "lines":
                guard fields.lines == nil, let lines = reader.lines() else { return false }
                fields.lines = lines
                return true
            case "net": return reader.assign(&fields.net)
            case "note": return reader.assign(&fields.note)
            case "number": return reader.assign(&fields.number)
            case "operator": return reader.assign(&fields.operatorName)
            case "originalNumber": return reader.assign(&fields.originalNumber)
            case "red":
                guard !fields.hasRed else { return false }
                fields.hasRed = true
                return reader.red(&fields)
            case "seller":
                guard !fields.hasSeller else { return false }
                fields.hasSeller = true
                return reader.party(&fields.sellerName, &fields.sellerTaxID)
            case "tax": return reader.assign(&fields.tax)
            case "taxRate": return reader.assign(&fields.taxRate)
            case "type": return reader.assign(&fields.type)
            case "void":
                guard !fields.hasVoid else { return false }
                fields.hasVoid = true
                return reader.void(&fields)
            default: return false
            }
        }
        guard complete else { return nil }
        return Self.build(fields)
    }

    /// Reads a string value into `slot`; `false` when it is not one or the member came before.
    mutating func assign(_ slot: inout String?) -> Bool {
        guard slot == nil, let value = string() else { return false }
        slot = value
        values += 1
        return true
    }

    /// Reads `{"name":…,…}`: `member` reads each member's value and says whether it could.
    mutating func object(_ member: (inout CanonicalInvoiceReader, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        values += 1
        var first = true
        while true {
            switch next(first: first) {
            case .end: return true
            case .invalid: return false
            case .member(let name):
                first = false
                guard member(&self, name) else { return false }
            }
        }
    }

    mutating func party(_ name: inout String?, _ taxID: inout String?) -> Bool {
        object { reader, member in
            switch member {
            case "name": reader.assign(&name)
            case "taxID": reader.assign(&taxID)
            default: false
            }
        }
    }

    mutating func void(_ fields: inout Fields) -> Bool {
        object { reader, member in
            switch member {
            case "at": reader.assign(&fields.voidAt)
            case "by": reader.assign(&fields.voidBy)
            case "reason": reader.assign(&fields.voidReason)
            default: false
            }
        }
    }

    mutating func red(_ fields: inout Fields) -> Bool {
        object { reader, member in
            switch member {
            case "confirmation": reader.assign(&fields.confirmation)
            case "originalCode": reader.assign(&fields.originalCode)
            case "originalGross": reader.assign(&fields.originalGross)
            case "originalIssueDate": reader.assign(&fields.originalIssueDate)
            case "originalNet": reader.assign(&fields.originalNet)
            case "originalTax": reader.assign(&fields.originalTax)
            case "reason": reader.assign(&fields.redReason)
            default: false
            }
        }
    }

    mutating func lines() -> [Line]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        values += 1
        var lines: [Line] = []
        if take(UInt8(ascii: "]")) { return lines }
        repeat {
            var line = Line()
            let complete = object { reader, member in
                switch member {
                case "description": reader.assign(&line.description)
                case "net": reader.assign(&line.net)
                case "quantity": reader.assign(&line.quantity)
                case "tax": reader.assign(&line.tax)
                case "taxRate": reader.assign(&line.taxRate)
                case "unitPrice": reader.assign(&line.unitPrice)
                default: false
                }
            }
            guard complete else { return nil }
            lines.append(line)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? lines : nil
    }
}
