import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation

/// Anchoring while the pushes go on (see ``SyncEngine/anchorAlongside(from:report:)``).
struct AnchoringAlongside {
    /// Told after each batch is recorded that new entries may be ready; finished when the pushes end.
    let batches: AsyncStream<Void>.Continuation
    /// Entries the centre took alongside the pushes.
    let shipped: Task<Int, Never>

    /// Ends the anchoring after the page in flight; returns the entries it shipped.
    func finish() async -> Int {
        batches.finish()
        return await shipped.value
    }
}

extension SyncEngine {
    /// Starts shipping full pages of audit entries while the outbox is pushed, on a second
    /// connection, so that the branch's pushes and the centre's anchoring overlap instead of the
    /// anchoring all coming after the last push.
    ///
    /// Only whole pages go (the rest waits for the run's closing ``anchorAudit(into:)``, which
    /// anchors everything the run wrote before the run ends, as it always has). Any failure, or
    /// a chain the centre does not continue, just ends this: the closing anchoring asks the
    /// centre afresh and decides.
    ///
    /// - Parameters:
    ///   - state: where the centre's copy of the chain stands.
    ///   - report: the branch's report sent with each page.
    /// - Returns: `nil` when the remote takes one request at a time.
    func anchorAlongside(from state: AnchorState, report: BranchReport) -> AnchoringAlongside? {
        guard remote.takesConcurrentRequests, state.unacknowledgedBreak == nil else { return nil }
        let (batches, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let (journal, remote, branch, page) = (journal, remote, journal.settings.node, Self.anchorPage)
        let shipped = Task.detached { () -> Int in
            var centre = state.head
            var shipped = 0
            for await _ in batches {
                do {
                    while try journal.auditHead().sequence - centre.sequence >= Int64(page) {
                        guard try journal.auditPosition(at: centre.sequence) == centre else { return shipped }
                        let entries = try journal.auditEntries(after: centre.sequence, limit: page)
                        let head = try journal.auditHead()
                        let answer = try await remote.anchor(
                            AuditShipment(after: centre, head: head, entries: entries, report: report),
                            branch: branch
                        )
                        guard answer.unacknowledgedBreak == nil, answer.head.sequence > centre.sequence else {
                            return shipped
                        }
                        shipped += Int(answer.head.sequence - centre.sequence)
                        centre = answer.head
                    }
                } catch {
                    return shipped
                }
            }
            return shipped
        }
        return AnchoringAlongside(batches: continuation, shipped: shipped)
    }
}
