import FapiaoCore
import Foundation

/// A disagreement between this branch's version of an invoice and the remote's (DESIGN §5).
public struct ConflictRecord: Hashable, Sendable {
    /// What found the conflict.
    public enum Source: String, Hashable, Sendable {
        /// The remote answered a pushed operation with a conflict.
        case push
        /// A change made elsewhere arrived that is concurrent with the branch's version.
        case pull
        /// `fapiao reconcile` found the remote's record different from the branch's.
        case reconcile
    }

    public var id: UUID
    public var invoiceID: UUID
    public var kind: ConflictKind
    public var source: Source
    /// The pushed operation the remote answered with this conflict (push only).
    public var operationID: UUID?
    /// The branch's version when the conflict was found.
    public var local: RemoteVersion
    /// The remote's version: for a duplicate number, the other invoice that owns the number.
    public var remote: RemoteVersion?
    /// The last version of this invoice the remote accepted from this branch, if any.
    public var ancestor: RemoteVersion?
    public var detectedAt: UTCTimestamp
    /// How it was settled; `nil` while open.
    public var resolution: ConflictResolution?

    /// Whether it still waits for a resolution.
    public var isOpen: Bool { resolution == nil }
}
