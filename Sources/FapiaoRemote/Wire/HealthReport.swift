import FapiaoCore
import Foundation

/// The centre's health, as `GET /v1/health` reports it.
public struct HealthReport: Hashable, Sendable {
    /// `ok`, or a short reason the centre cannot take pushes now.
    public var status: String
    /// The centre's node id.
    public var node: String
    /// The kind of store: `sqlite`, `postgres`, `memory`.
    public var store: String
    /// How many invoices the centre holds.
    public var invoices: Int64

    public init(status: String, node: String, store: String, invoices: Int64) {
        self.status = status
        self.node = node
        self.store = store
        self.invoices = invoices
    }

    public var isHealthy: Bool { status == "ok" }

    public var canonicalJSON: CanonicalJSON {
        .object([
            "status": .string(status), "node": .string(node), "store": .string(store), "invoices": .integer(invoices),
        ])
    }

    public init(json value: JSONValue) throws(WireError) {
        let object = try WireObject(value, context: "health")
        self.init(
            status: try object.string("status"),
            node: try object.string("node"),
            store: try object.string("store"),
            invoices: try object.integer("invoices")
        )
    }
}
