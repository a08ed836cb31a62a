import Foundation

/// What the validator needs to know about the moment of capture.
public struct CaptureContext: Hashable, Sendable {
    /// The id to give the invoice unless the input carries its own.
    public var id: UUID
    /// The capture instant (UTC).
    public var capturedAt: UTCTimestamp
    /// The branch's node id.
    public var branch: String
    /// The operator recorded when the input names none.
    public var operatorName: String?
    /// Accept a taxpayer ID whose only fault is its check character.
    ///
    /// The override is returned in ``ValidatedInvoice/overrides`` so that it is audited.
    public var acceptBadCheckCharacters: Bool

    public init(
        id: UUID,
        capturedAt: UTCTimestamp,
        branch: String,
        operatorName: String? = nil,
        acceptBadCheckCharacters: Bool = false
    ) {
        self.id = id
        self.capturedAt = capturedAt
        self.branch = branch
        self.operatorName = operatorName
        self.acceptBadCheckCharacters = acceptBadCheckCharacters
    }

    /// Today in Asia/Shanghai, the date issue dates are compared with.
    public var today: CalendarDate { CalendarDate(shanghaiDateAt: capturedAt) }
}
