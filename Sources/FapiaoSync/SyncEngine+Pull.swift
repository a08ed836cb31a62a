import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation
import Logging

extension SyncEngine {
    /// Pulls, resolves what the policies allow and pushes the resolutions, until a round
    /// settles nothing more (at most ``maximumResolveRounds``): a resolution the remote answers
    /// with a new conflict (it changed again meanwhile) gets another round.
    func pullAndResolve(
        into summary: inout SyncSummary,
        progress: @Sendable (SyncProgress) -> Void
    )
        async throws
    {
        for _ in 0..<Self.maximumResolveRounds {
            guard summary.stop == nil, !stopRequested else { return }
            try await pullAll(into: &summary, progress: progress)
            guard summary.stop == nil else { return }
            let resolutions = try journal.resolveAutomatically()
            summary.resolved += resolutions.count
            guard !resolutions.isEmpty else { return }
            try await pushAll(into: &summary, progress: progress)
        }
    }

    static let maximumResolveRounds = 3

    /// Fetches the branch's invoices changed elsewhere since the pull cursor, page by page,
    /// and applies each page with the cursor in one journal transaction.
    func pullAll(into summary: inout SyncSummary, progress: @Sendable (SyncProgress) -> Void) async throws {
        var cursor = try journal.syncHistory().pullCursor
        var failures = 0
        while !stopRequested {
            let page: ChangePage
            do {
                page = try await remote.changes(
                    branch: journal.settings.node,
                    since: cursor,
                    limit: options.batchSize
                )
            } catch let error as RemoteError {
                failures += 1
                if let stop = try await waitOrStop(
                    after: error,
                    failures: failures,
                    progress: progress,
                    answered: 0,
                    total: 0
                ) {
                    summary.stop = stop
                    return
                }
                continue
            }
            failures = 0
            let tally = try journal.applyRemoteChanges(page, lease: try currentLease(), actor: options.actor)
            summary.pulled = summary.pulled + tally
            cursor = page.cursor
            if !page.hasMore { return }
        }
    }
}
