import FapiaoCore
import Foundation

/// Who captures, from where, and whether a bad check character is deliberately accepted.
public struct CaptureOptions: Hashable, Sendable {
    /// The person or job recorded as the audit actor.
    public var actor: String
    /// Where the invoice came from (`cli`, `json`, `import:invoices.csv`), for the audit.
    public var source: String
    /// Accept a taxpayer ID whose only fault is its check character.
    public var acceptBadCheckCharacters: Bool
    /// Accept a number outside the branch's series (`fapiao series add`).
    public var acceptOutsideSeries: Bool
    /// Why an override was needed; required when one is used.
    public var overrideReason: String?

    public init(
        actor: String,
        source: String,
        acceptBadCheckCharacters: Bool = false,
        acceptOutsideSeries: Bool = false,
        overrideReason: String? = nil
    ) {
        self.actor = actor
        self.source = source
        self.acceptBadCheckCharacters = acceptBadCheckCharacters
        self.acceptOutsideSeries = acceptOutsideSeries
        self.overrideReason = overrideReason
    }
}
