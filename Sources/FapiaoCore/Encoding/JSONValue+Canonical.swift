extension JSONValue {
    /// The canonical serialization of this document: the bytes of `CanonicalJSON(json: self)`,
    /// written without building that value's dictionaries first.
    ///
    /// The centre checks every pushed invoice with it (the bytes sent must be the invoice's own
    /// canonical encoding), so it runs once per operation.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        writeCanonical(into: &out)
        return out
    }

    /// Appends the bytes of ``canonicalBytes`` to `out`.
    public func writeCanonical(into out: inout [UInt8]) {
        switch self {
        case .null, .bool, .number, .string:
            CanonicalJSON(json: self).write(into: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            // Names that are not plain ASCII (never one Fapiao writes) take the reference path:
            // there String's equality, which a repeated name is judged by, is not byte equality.
            guard members.allSatisfy({ $0.key.isPlainASCII }) else {
                CanonicalJSON(json: self).write(into: &out)
                return
            }
            // As CanonicalJSON(json:): in byte order of the names, a repeated name keeping its
            // last value (a parsed document has none; one built in code may).
            let ordered = members.indices.sorted { a, b in
                members[a].key == members[b].key ? a < b : members[a].key < members[b].key
            }
            out.append(UInt8(ascii: "{"))
            var first = true
            for (position, index) in ordered.enumerated() {
                if position + 1 < ordered.count, members[ordered[position + 1]].key == members[index].key { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                CanonicalJSON.writeString(members[index].key, into: &out)
                out.append(UInt8(ascii: ":"))
                members[index].value.writeCanonical(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
