import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation

/// What one queued operation would do if the outbox were pushed now (`fapiao sync --dry-run`).
public struct PlannedOperation: Hashable, Sendable {
    /// What the plan expects.
    public enum Prediction: Hashable, Sendable {
        /// The remote's answer ``CentralRules`` predicts from the remote's current version.
        case outcome(PushOutcome)
        /// The remote did not answer: the operation would be sent (again, with the same id,
        /// when `resend`).
        case send(resend: Bool)
    }

    public var item: OutboxItem
    /// The operation's invoice, read back from its payload; `nil` when it cannot be read (the
    /// remote would refuse it, and the prediction says so).
    public var invoice: Invoice?
    public var prediction: Prediction
}

extension SyncEngine {
    /// Plans the outbox without changing anything: reads it page by page in journal order,
    /// looks the page's invoices up at the remote, and predicts each operation's outcome with
    /// ``CentralRules``, handing each page to `page` as it is planned.
    ///
    /// Memory stays bounded whatever the outbox holds: only the current page and the versions
    /// the previous page's operations would leave are kept (a later operation of one invoice,
    /// an amend after its create, is judged against the version the earlier one leaves).
    ///
    /// - Parameters:
    ///   - pageSize: operations read and looked up at a time.
    ///   - page: receives each planned page, in order.
    /// - Returns: how the plan ended.
    /// - Throws: ``JournalError`` when the outbox cannot be read, or what `page` throws. A remote
    ///   that does not answer is not an error: the rest is listed without predictions.
    public func plan(
        pageSize: Int = 500,
        _ page: ([PlannedOperation]) throws -> Void
    ) async throws -> SyncPlanSummary {
        var summary = SyncPlanSummary()
        var cursor = try journal.outboxStart()
        var carried: [UUID: RemoteVersion] = [:]
        while true {
            let batch = try journal.outboxBatch(after: cursor, limit: max(1, pageSize))
            guard let last = batch.last else { break }
            cursor = last.sequence
            var known = carried
            if summary.remoteAnswered {
                let ids = Array(Set(batch.map(\.operation.invoiceID)).subtracting(known.keys))
                do {
                    for version in try await remote.lookup(ids).found where known[version.invoice.id] == nil {
                        known[version.invoice.id] = version
                    }
                } catch {
                    summary.remoteAnswered = false
                    summary.remoteFailure = "\(error)"
                }
            }
            var planned: [PlannedOperation] = []
            planned.reserveCapacity(batch.count)
            var left: [UUID: RemoteVersion] = [:]
            for item in batch {
                let operation: InvoiceOperation
                do {
                    operation = try item.operation.decoded()
                } catch {
                    let refusal = PushOutcome.rejected(reason: error.description)
                    planned.append(PlannedOperation(item: item, invoice: nil, prediction: .outcome(refusal)))
                    continue
                }
                guard summary.remoteAnswered else {
                    let prediction = PlannedOperation.Prediction.send(resend: item.status != .pending)
                    planned.append(PlannedOperation(item: item, invoice: operation.invoice, prediction: prediction))
                    continue
                }
                let decision = CentralRules.decide(
                    operation,
                    situation: CentralRules.Situation(current: known[operation.invoiceID])
                )
                if case .apply = decision {
                    let version = RemoteVersion(invoice: operation.invoice, clock: operation.clock)
                    known[operation.invoiceID] = version
                    left[operation.invoiceID] = version
                }
                planned.append(
                    PlannedOperation(item: item, invoice: operation.invoice, prediction: .outcome(decision.outcome))
                )
            }
            summary.operations += planned.count
            try page(planned)
            carried = left
        }
        return summary
    }
}
