import Foundation

/// The outcome for one operation of a pushed batch.
public struct OperationOutcome: Hashable, Sendable {
    public var operationID: UUID
    public var outcome: PushOutcome

    public init(operationID: UUID, outcome: PushOutcome) {
        self.operationID = operationID
        self.outcome = outcome
    }
}
