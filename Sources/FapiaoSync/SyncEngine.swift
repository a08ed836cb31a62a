import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation
import Logging

/// Replays a journal's outbox to a remote, exactly once, then pulls changes made elsewhere
/// and settles the conflicts its policies allow (DESIGN §5).
///
/// One run: take the journal's lease; check the remote answers; then, in journal order and
/// in batches, mark operations in flight, push them, and record each operation's outcome.
/// Then pull the branch's invoices changed elsewhere since the pull cursor, apply the ones
/// that dominate, record the concurrent ones as conflicts, let the resolver settle what its
/// policies allow, and push those resolutions (a few rounds at most).
/// A request that fails leaves its operations in doubt (when it may have landed) or
/// pending (when it cannot have), to be re-sent with the same ids after a backoff. The
/// remote's duplicate detection turns a re-sent operation that had landed into a success.
public actor SyncEngine {
    let journal: Journal
    let remote: any RemoteAdapter
    let options: SyncOptions
    let environment: SyncEnvironment
    var stopRequested = false
    var lease: SyncLease?
    /// The centre's answer to the last anchoring that went through, and the report sent with it.
    var lastAnchoring: (state: AnchorState, report: BranchReport)?

    public init(
        journal: Journal,
        remote: any RemoteAdapter,
        options: SyncOptions,
        environment: SyncEnvironment = SyncEnvironment()
    ) {
        self.journal = journal
        self.remote = remote
        self.options = options
        self.environment = environment
    }

    /// Asks a running sync to stop after the batch in flight; the lease is released.
    public func requestStop() { stopRequested = true }

    /// Runs until the outbox holds nothing more to send, or the run has to stop.
    ///
    /// - Returns: what was sent and how it ended; ``SyncSummary/stop`` says why it ended early.
    /// - Throws: ``JournalError`` (`.leaseHeld` when another sync runs) and storage errors.
    public func run(progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }) async throws -> SyncSummary {
        lease = try journal.acquireSyncLease(owner: options.owner, duration: options.leaseDuration)
        var summary = SyncSummary()
        do {
            try await pushAll(into: &summary, progress: progress)
            if summary.stop == nil {
                try await pullAndResolve(into: &summary, progress: progress)
            }
            // What this run wrote (pushed, accepted, pulled) is anchored before the run ends.
            if summary.stop == nil || summary.stop?.kind == .interrupted,
                let stop = try await anchorAudit(into: &summary)
            {
                summary.stop = stop
            }
        } catch let error as JournalError where error.code == .leaseLost {
            summary.stop = SyncStop(.leaseLost, error.message)
        } catch {
            releaseLease()
            throw error
        }
        releaseLease()
        let counts = try journal.operationCounts()
        summary.blocked = try journal.blockedOperationCount()
        summary.remaining = counts.values.reduce(0, +) - summary.blocked
        // In doubt means "in doubt now": operations whose doubt a later answer settled are not counted.
        summary.tally.inDoubt = counts[.inDoubt] ?? 0
        summary.openConflicts = try journal.openConflictCount()
        let failed = summary.stop.map { $0.kind != .interrupted } ?? false
        try? journal.recordSyncRun(succeeded: summary.stop == nil, error: failed ? summary.stop?.message : nil)
        return summary
    }

    func releaseLease() {
        if let lease { try? journal.releaseSyncLease(lease) }
        lease = nil
    }

    func currentLease() throws -> SyncLease {
        guard let held = lease else {
            throw JournalError(code: .leaseLost, message: "This sync holds no lease.")
        }
        let kept = try journal.keepSyncLease(held, duration: options.leaseDuration)
        lease = kept
        return kept
    }
}
