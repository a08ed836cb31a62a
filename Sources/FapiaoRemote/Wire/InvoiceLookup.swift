import FapiaoCore
import Foundation

/// The centre's answer to a lookup of invoices by id.
public struct InvoiceLookup: Hashable, Sendable {
    public var found: [RemoteVersion]
    public var missing: [UUID]

    public init(found: [RemoteVersion], missing: [UUID]) {
        self.found = found
        self.missing = missing
    }

    public var canonicalJSON: CanonicalJSON {
        .object([
            "found": .array(found.map(WireFormat.encode)),
            "missing": .array(missing.map { .string($0.uuidText) }),
        ])
    }

    public init(json value: JSONValue) throws(WireError) {
        let object = try WireObject(value, context: "lookup")
        var found: [RemoteVersion] = []
        for (index, element) in try object.array("found").enumerated() {
            found.append(try WireFormat.version(from: element, context: "found[\(index)]"))
        }
        var missing: [UUID] = []
        for element in try object.array("missing") {
            guard case .string(let text) = element, let id = UUID(uuidText: text) else {
                throw WireError("lookup.missing must hold UUIDs")
            }
            missing.append(id)
        }
        self.init(found: found, missing: missing)
    }
}
