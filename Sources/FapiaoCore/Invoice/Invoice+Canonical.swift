import Foundation

extension Invoice {
    /// The invoice in the wire form of DESIGN §3, as a canonical JSON value.
    ///
    /// Absent optional fields are left out, so adding an optional field later does not
    /// change the hash of invoices that do not use it.
    public var canonicalJSON: CanonicalJSON {
        var members: [String: CanonicalJSON] = [
            "id": .string(id.uuidText),
            "kind": .string(kind.rawValue),
            "type": .string(type.rawValue),
            "number": .string(number),
            "issueDate": .string(issueDate.description),
            "seller": .object(["name": .string(seller.name), "taxID": .string(seller.taxID)]),
            "buyer": .object(["name": .string(buyer.name), "taxID": .string(buyer.taxID)]),
            "net": .string(net.decimalText),
            "tax": .string(tax.decimalText),
            "gross": .string(gross.decimalText),
            "taxRate": .string(taxRate.decimalText),
            "currency": .string(currency),
            "capturedAt": .string(capturedAt.description),
            "branch": .string(branch),
        ]
        if let code { members["code"] = .string(code) }
        if let originalNumber { members["originalNumber"] = .string(originalNumber) }
        if let checkCode { members["checkCode"] = .string(checkCode) }
        if let note { members["note"] = .string(note) }
        if let operatorName { members["operator"] = .string(operatorName) }
        if !lines.isEmpty {
            members["lines"] = .array(
                lines.map { line in
                    var fields: [String: CanonicalJSON] = [
                        "description": .string(line.description),
                        "net": .string(line.net.decimalText),
                        "taxRate": .string(line.taxRate.decimalText),
                        "tax": .string(line.tax.decimalText),
                    ]
                    if let quantity = line.quantity { fields["quantity"] = .string(quantity) }
                    if let unitPrice = line.unitPrice { fields["unitPrice"] = .string(unitPrice) }
                    return .object(fields)
                }
            )
        }
        if let void {
            members["void"] = .object([
                "reason": .string(void.reason), "at": .string(void.at.description), "by": .string(void.by),
            ])
        }
        if let red {
            var fields: [String: CanonicalJSON] = ["reason": .string(red.reason)]
            fields["confirmation"] = red.confirmation.map(CanonicalJSON.string)
            fields["originalCode"] = red.originalCode.map(CanonicalJSON.string)
            fields["originalIssueDate"] = red.originalIssueDate.map { .string($0.description) }
            fields["originalNet"] = red.originalNet.map { .string($0.decimalText) }
            fields["originalTax"] = red.originalTax.map { .string($0.decimalText) }
            fields["originalGross"] = red.originalGross.map { .string($0.decimalText) }
            members["red"] = .object(fields)
        }
        return .object(members)
    }

    /// The SHA-256 of the canonical form: equal hashes mean equal versions.
    public var contentHash: String { Digest.sha256Hex(canonicalBytes) }

    /// Why a stored invoice could not be read back.
    public struct StoredFormError: Error, Hashable, Sendable, CustomStringConvertible {
        public var field: String
        public var description: String { "stored invoice has an unreadable \(field)" }
    }

    /// Reads an invoice back from its canonical form, as written by ``canonicalJSON``.
    ///
    /// Stored versions were validated when they were written, so only their shape is
    /// checked here, not the business rules (a date that was valid then may be old now).
    public init(stored value: JSONValue) throws(StoredFormError) {
        guard let members = JSONMembers(value) else { throw StoredFormError(field: "document") }

        func string(_ key: String, in object: JSONMembers? = nil) throws(StoredFormError) -> String {
            guard case .string(let text)? = (object ?? members)[key] else { throw StoredFormError(field: key) }
            return text
        }
        func optionalString(_ key: String, in object: JSONMembers? = nil) -> String? {
            guard case .string(let text)? = (object ?? members)[key] else { return nil }
            return text
        }
        func object(_ json: JSONValue?, _ key: String) throws(StoredFormError) -> JSONMembers {
            guard let members = JSONMembers(json) else { throw StoredFormError(field: key) }
            return members
        }
        func money(_ text: String, _ key: String, _ currency: String) throws(StoredFormError) -> Money {
            guard let money = try? Money(parsing: text, currency: currency, allowNegative: true) else {
                throw StoredFormError(field: key)
            }
            return money
        }
        func rate(_ text: String, _ key: String) throws(StoredFormError) -> TaxRate {
            guard let rate = try? TaxRate(parsing: text) else { throw StoredFormError(field: key) }
            return rate
        }

        guard let id = UUID(uuidText: try string("id")) else { throw StoredFormError(field: "id") }
        guard let kind = InvoiceKind(rawValue: try string("kind")) else { throw StoredFormError(field: "kind") }
        guard let type = InvoiceType(rawValue: try string("type")) else { throw StoredFormError(field: "type") }
        guard let issueDate = CalendarDate(parsing: try string("issueDate")) else {
            throw StoredFormError(field: "issueDate")
        }
        guard let capturedAt = UTCTimestamp(parsing: try string("capturedAt")) else {
            throw StoredFormError(field: "capturedAt")
        }
        let seller = try object(members["seller"], "seller")
        let buyer = try object(members["buyer"], "buyer")
        let currency = try string("currency")
        var lines: [InvoiceLine] = []
        if case .array(let rawLines)? = members["lines"] {
            for rawLine in rawLines {
                let line = try object(rawLine, "lines")
                lines.append(
                    InvoiceLine(
                        description: try string("description", in: line),
                        quantity: optionalString("quantity", in: line),
                        unitPrice: optionalString("unitPrice", in: line),
                        net: try money(try string("net", in: line), "lines.net", currency),
                        taxRate: try rate(try string("taxRate", in: line), "lines.taxRate"),
                        tax: try money(try string("tax", in: line), "lines.tax", currency)
                    )
                )
            }
        }
        var voidRecord: VoidRecord?
        if members["void"] != nil {
            let record = try object(members["void"], "void")
            guard let at = UTCTimestamp(parsing: try string("at", in: record)) else {
                throw StoredFormError(field: "void.at")
            }
            voidRecord = VoidRecord(reason: try string("reason", in: record), at: at, by: try string("by", in: record))
        }
        var redReference: RedReference?
        if members["red"] != nil {
            let record = try object(members["red"], "red")
            func amount(_ key: String) throws(StoredFormError) -> Money? {
                guard let text = optionalString(key, in: record) else { return nil }
                return try money(text, "red.\(key)", currency)
            }
            var originalDate: CalendarDate?
            if let text = optionalString("originalIssueDate", in: record) {
                guard let date = CalendarDate(parsing: text) else {
                    throw StoredFormError(field: "red.originalIssueDate")
                }
                originalDate = date
            }
            redReference = RedReference(
                reason: try string("reason", in: record),
                confirmation: optionalString("confirmation", in: record),
                originalCode: optionalString("originalCode", in: record),
                originalIssueDate: originalDate,
                originalNet: try amount("originalNet"),
                originalTax: try amount("originalTax"),
                originalGross: try amount("originalGross")
            )
        }
        self.init(
            id: id,
            kind: kind,
            originalNumber: optionalString("originalNumber"),
            type: type,
            code: optionalString("code"),
            number: try string("number"),
            issueDate: issueDate,
            seller: Party(name: try string("name", in: seller), taxID: try string("taxID", in: seller)),
            buyer: Party(name: try string("name", in: buyer), taxID: try string("taxID", in: buyer)),
            lines: lines,
            net: try money(try string("net"), "net", currency),
            tax: try money(try string("tax"), "tax", currency),
            gross: try money(try string("gross"), "gross", currency),
            taxRate: try rate(try string("taxRate"), "taxRate"),
            checkCode: optionalString("checkCode"),
            note: optionalString("note"),
            operatorName: optionalString("operator"),
            capturedAt: capturedAt,
            branch: try string("branch"),
            void: voidRecord,
            red: redReference
        )
    }
}
