import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation

/// How a plan ended.
public struct SyncPlanSummary: Hashable, Sendable {
    /// Operations planned.
    public var operations = 0
    /// Whether the remote answered every lookup (else predictions stop where it failed).
    public var remoteAnswered = true
    /// Why the remote did not answer, when it did not.
    public var remoteFailure: String?
}
