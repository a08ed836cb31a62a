import FapiaoCore
import FapiaoJournal

/// The next batch marked in flight while the request before it is away (see
/// ``SyncEngine/pushBatches(into:unrecorded:markedAhead:total:alongside:progress:)``), and put
/// back in the outbox when the run ends before it is sent.
extension SyncEngine {
    /// Puts operations marked in flight ahead of their request, and never sent, back in the
    /// outbox: pending again, with a `deferred` entry saying their request never left (their
    /// `pushed` entry stays in the chain, and counts as an attempt, as a run's that is killed
    /// between marking a batch and sending it does).
    func putBack(_ markedAhead: [Int64: OutboxItem], lease: SyncLease) throws {
        guard !markedAhead.isEmpty else { return }
        let items = markedAhead.values.sorted { $0.sequence < $1.sequence }
        let reason = "not sent: the run ended before its request left"
        try journal.record(
            items.map { ($0, PushResult.unanswered(reason: reason, mayHaveApplied: false)) },
            lease: lease,
            actor: options.actor
        )
    }

    /// Marks the next request's operations in flight while `away` is on its way.
    ///
    /// Those of `next` that go in the next request if every operation of `away` is answered: at
    /// most one per invoice, none of an invoice in `away`, as
    /// ``pushBatches(into:unrecorded:markedAhead:total:alongside:progress:)`` takes them. Only
    /// pending ones: one in doubt keeps that status until it is sent again.
    ///
    /// Marking is most of the branch's work before a request leaves, so done here it overlaps the
    /// remote's work on `away` instead of following it.
    func markAhead(
        _ next: [OutboxItem],
        behind away: [OutboxItem],
        into markedAhead: inout [Int64: OutboxItem]
    ) throws {
        var seenInvoices = Set(away.map(\.operation.invoiceID))
        var marking: [OutboxItem] = []
        for item in next where seenInvoices.insert(item.operation.invoiceID).inserted {
            if item.status == .pending, markedAhead[item.sequence] == nil { marking.append(item) }
        }
        guard !marking.isEmpty else { return }
        try journal.markInFlight(marking, lease: try currentLease(), actor: options.actor)
        for var item in marking {
            // Kept as it was read, but for the attempt: its failure is judged as a pending one's.
            item.attempts += 1
            markedAhead[item.sequence] = item
        }
    }
}
