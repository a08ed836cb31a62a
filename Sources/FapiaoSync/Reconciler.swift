import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation

/// Compares the journal with the remote's record of this branch, invoice by invoice
/// (`fapiao reconcile`, DESIGN §5): what the remote lost is re-queued, what it changed is a
/// conflict, what only it holds is reported.
///
/// It holds the journal's sync lease while it runs, so no sync moves versions under it.
public struct Reconciler: Sendable {
    private let journal: Journal
    private let remote: any RemoteAdapter
    private let owner: String
    private let actor: String
    private let pageSize: Int

    public init(journal: Journal, remote: any RemoteAdapter, owner: String, actor: String, pageSize: Int = 500) {
        self.journal = journal
        self.remote = remote
        self.owner = owner
        self.actor = actor
        self.pageSize = pageSize
    }

    /// Runs the comparison.
    ///
    /// - Parameters:
    ///   - apply: `false` to report only (nothing re-queued, no conflict recorded).
    ///   - progress: called with the number of remote invoices compared so far.
    /// - Returns: what was compared and found, and what was re-queued or recorded.
    /// - Throws: ``RemoteError`` when the remote fails (nothing half-done is kept beyond whole
    ///   pages, each compared in one transaction), ``JournalError`` `.leaseHeld` while a sync runs.
    public func run(apply: Bool, progress: @Sendable (Int) -> Void = { _ in }) async throws -> ReconcileReport {
        var lease = try journal.acquireSyncLease(owner: owner, duration: .seconds(300))
        defer { try? journal.releaseSyncLease(lease) }
        var report = ReconcileReport(applied: apply)
        var cursor: Int64 = 0
        while true {
            lease = try journal.keepSyncLease(lease, duration: .seconds(300))
            let page = try await remote.changes(
                branch: journal.settings.node,
                since: cursor,
                limit: pageSize,
                scope: .all
            )
            try journal.reconcile(page.changes, into: &report, actor: actor)
            progress(report.remoteInvoices)
            cursor = page.cursor
            if !page.hasMore { break }
        }
        try journal.finishReconcile(&report, remote: remote.endpoint, actor: actor)
        return report
    }
}
