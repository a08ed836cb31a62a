import FapiaoCore
import Foundation

/// What the audit chain says of one operation: the entry that recorded it, and where the entries
/// after it left it.
struct OperationTrail {
    /// The sequence of the first entry naming the operation: the one that recorded its creation.
    var firstEntry: Int64
    var invoiceID: UUID?
    /// The operation's hash, as its first entry recorded it (`details.operationHash`).
    var operationHash: String?
    var createdAt: String
    var updatedAt: String
    /// The status the last entry leaves it in (`nil`: an event that does not set one).
    var status: OperationStatus?
    /// Pushes since it was last put back in the outbox.
    var attempts = 0

    init(first entry: AuditEntry) {
        firstEntry = entry.sequence
        invoiceID = entry.invoiceID
        createdAt = entry.wallTime.description
        updatedAt = createdAt
        if case .object(let members)? = try? JSONValue.parse(entry.detailsText),
            case .string(let hash)? = members.first(where: { $0.key == "operationHash" })?.value
        {
            operationHash = hash
        }
    }

    mutating func follow(_ entry: AuditEntry) {
        updatedAt = entry.wallTime.description
        status = Self.status(after: entry.event)
        switch entry.event {
        case .pushed: attempts += 1
        case .requeued: attempts = 0
        default: break
        }
    }

    /// The status each event leaves an operation in, as the journal writes them together.
    static func status(after event: AuditEvent) -> OperationStatus? {
        switch event {
        case .captured, .amended, .voided, .resolved, .reconciled, .queued, .deferred, .requeued: .pending
        case .pushed: .inFlight
        case .accepted: .accepted
        case .duplicate: .duplicate
        case .stale: .stale
        case .conflict: .conflict
        case .rejected, .quarantined: .quarantined
        case .inDoubt: .inDoubt
        case .superseded: .superseded
        case .initialized, .configured, .pulled, .outageStarted, .outageEnded, .periodClosed: nil
        }
    }
}
