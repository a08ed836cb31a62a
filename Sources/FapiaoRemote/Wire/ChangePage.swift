import FapiaoCore
import Foundation

/// A page of a branch's invoices changed at the centre, in the centre's change order.
public struct ChangePage: Hashable, Sendable {
    public struct Change: Hashable, Sendable {
        /// The centre's change sequence number; the cursor for the next page.
        public var sequence: Int64
        public var version: RemoteVersion
        /// The node whose operation made this change (`central` for a change made at HQ).
        public var changedBy: String

        public init(sequence: Int64, version: RemoteVersion, changedBy: String) {
            self.sequence = sequence
            self.version = version
            self.changedBy = changedBy
        }
    }

    public var changes: [Change]
    /// Pass this as `since` to get the next page.
    public var cursor: Int64
    public var hasMore: Bool

    public init(changes: [Change], cursor: Int64, hasMore: Bool) {
        self.changes = changes
        self.cursor = cursor
        self.hasMore = hasMore
    }

    public var canonicalJSON: CanonicalJSON {
        .object([
            "changes": .array(
                changes.map { change in
                    .object([
                        "seq": .integer(change.sequence),
                        "changedBy": .string(change.changedBy),
                        "invoice": change.version.invoice.canonicalJSON,
                        "clock": change.version.clock.canonicalJSON,
                    ])
                }
            ),
            "cursor": .integer(cursor),
            "hasMore": .bool(hasMore),
        ])
    }

    public init(json value: JSONValue) throws(WireError) {
        let object = try WireObject(value, context: "changes page")
        var changes: [Change] = []
        for (index, element) in try object.array("changes").enumerated() {
            let context = "changes[\(index)]"
            let change = try WireObject(element, context: context)
            changes.append(
                Change(
                    sequence: try change.integer("seq"),
                    version: try WireFormat.version(from: element, context: context),
                    changedBy: try change.string("changedBy")
                )
            )
        }
        self.init(changes: changes, cursor: try object.integer("cursor"), hasMore: try object.bool("hasMore"))
    }
}
