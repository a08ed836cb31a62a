import FapiaoCore

extension AuditShipment {
    /// Where a shipment's entries are: `{"entries": [ENTRY, …]}`.
    public static let shippedEntries = JSONValue.ElementMemberPath(elementsOf: "entries")

    /// A shipment's body as ``readBody(_:limits:)`` parsed it.
    public struct Body: Sendable {
        /// The JSON tree, with `null` in place of each entry read straight from its bytes.
        public var value: JSONValue
        /// Those entries, by their index in `entries`.
        public var entries: [Int: AuditEntry]
    }

    /// Parses a shipment's body as ``JSONValue/parse(_:limits:)`` does (the same refusals), reading
    /// each entry sent in its wire form straight to its parts (``AuditEntry/wirePrefix(of:)``)
    /// instead of building its tree: a sync ships three entries for every operation it pushes.
    public static func readBody(_ bytes: [UInt8], limits: JSONValue.Limits) throws(JSONValue.SyntaxError) -> Body {
        final class Read {
            var entries: [Int: AuditEntry] = [:]
        }
        let read = Read()
        let reader = JSONValue.MemberReader(
            maximumDepth: AuditEntry.wireDepth,
            maximumMembers: AuditEntry.wireMaximumMembers
        ) { bytes, element in
            guard let prefix = AuditEntry.wirePrefix(of: bytes) else { return nil }
            read.entries[element] = prefix.entry
            return (prefix.length, prefix.values)
        }
        let value = try JSONValue.parse(bytes, limits: limits, membersAt: shippedEntries, reading: reader)
        return Body(value: value, entries: read.entries)
    }

    /// Reads a shipment parsed by ``readBody(_:limits:)``: what ``init(wire:)`` reads from the
    /// plain tree of the same bytes, or the same error.
    public init(wire body: Body) throws(WireError) {
        try self.init(wire: body.value) { body.entries[$0] }
    }
}
