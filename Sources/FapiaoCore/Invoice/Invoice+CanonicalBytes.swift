extension Invoice {
    /// The bytes of ``canonicalJSON``, written member by member in their canonical order.
    ///
    /// Every capture, change and pushed operation needs these bytes, and building the
    /// dictionary of ``canonicalJSON`` only to sort it again cost more than the rest of the
    /// encoding. The members below are listed in ascending byte order of their names; a test
    /// compares the result with `canonicalJSON.bytes` for every optional member present and absent.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512 + lines.count * 160)
        writeCanonical(into: &out)
        return out
    }

    /// ``canonicalBytes`` as text: the form a journal stores.
    public var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// Appends ``canonicalBytes`` to `out`.
    public func writeCanonical(into out: inout [UInt8]) {
        func member(_ name: StaticString, _ value: String, first: Bool = false) {
            CanonicalJSON.writeName(name, first: first, into: &out)
            CanonicalJSON.writeString(value, into: &out)
        }
        func party(_ name: StaticString, _ party: Party) {
            CanonicalJSON.writeName(name, into: &out)
            member("name", party.name, first: true)
            member("taxID", party.taxID)
            out.append(UInt8(ascii: "}"))
        }
        member("branch", branch, first: true)
        party("buyer", buyer)
        member("capturedAt", capturedAt.description)
        if let checkCode { member("checkCode", checkCode) }
        if let code { member("code", code) }
        member("currency", currency)
        member("gross", gross.decimalText)
        member("id", id.uuidText)
        member("issueDate", issueDate.description)
        member("kind", kind.rawValue)
        if !lines.isEmpty {
            CanonicalJSON.writeName("lines", into: &out)
            out.append(UInt8(ascii: "["))
            for (index, line) in lines.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                member("description", line.description, first: true)
                member("net", line.net.decimalText)
                if let quantity = line.quantity { member("quantity", quantity) }
                member("tax", line.tax.decimalText)
                member("taxRate", line.taxRate.decimalText)
                if let unitPrice = line.unitPrice { member("unitPrice", unitPrice) }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        member("net", net.decimalText)
        if let note { member("note", note) }
        member("number", number)
        if let operatorName { member("operator", operatorName) }
        if let originalNumber { member("originalNumber", originalNumber) }
        if let red {
            CanonicalJSON.writeName("red", into: &out)
            // `{` is written by the first member present; `reason` is always there, last.
            var first = true
            func redMember(_ name: StaticString, _ value: String?) {
                guard let value else { return }
                member(name, value, first: first)
                first = false
            }
            redMember("confirmation", red.confirmation)
            redMember("originalCode", red.originalCode)
            redMember("originalGross", red.originalGross?.decimalText)
            redMember("originalIssueDate", red.originalIssueDate?.description)
            redMember("originalNet", red.originalNet?.decimalText)
            redMember("originalTax", red.originalTax?.decimalText)
            redMember("reason", red.reason)
            out.append(UInt8(ascii: "}"))
        }
        party("seller", seller)
        member("tax", tax.decimalText)
        member("taxRate", taxRate.decimalText)
        member("type", type.rawValue)
        if let void {
            CanonicalJSON.writeName("void", into: &out)
            member("at", void.at.description, first: true)
            member("by", void.by)
            member("reason", void.reason)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
    }
}
