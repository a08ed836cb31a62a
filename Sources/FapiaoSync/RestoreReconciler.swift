import FapiaoCore
import FapiaoJournal
import FapiaoRemote

/// Compares a journal just restored from a backup with the centre (`fapiao restore`): where its
/// audit chain stands against the head the centre anchored, and, through a reconcile, what the
/// centre holds that the backup lacks.
///
/// The reconcile is applied, as `fapiao reconcile` would: a newer version HQ made since the
/// backup is applied here, a version the centre lost is re-queued. The centre's invoices of
/// this branch that the backup lacks are reported by number: the protocol gives their current
/// versions but not the operations and audit entries that made them, so they are not written
/// into the journal as if it had captured them.
public struct RestoreReconciler: Sendable {
    private let journal: Journal
    private let remote: any RemoteAdapter
    private let owner: String
    private let actor: String

    public init(journal: Journal, remote: any RemoteAdapter, owner: String, actor: String) {
        self.journal = journal
        self.remote = remote
        self.owner = owner
        self.actor = actor
    }

    /// Runs the comparison; a remote that fails leaves it pending rather than failing the restore.
    /// - Throws: ``JournalError`` when the journal cannot be read or written.
    public func run(progress: @Sendable (Int) -> Void = { _ in }) async throws -> RestoreComparison {
        let head = try journal.auditHead()
        var comparison = RestoreComparison(remote: remote.endpoint, head: head)
        let branch = journal.settings.node
        do {
            let anchored = try await remote.anchorState(branch: branch)
            comparison.anchored = anchored
            comparison.chain = RestoreComparison.chain(
                anchored: anchored,
                head: head,
                hashAtAnchor: try journal.auditPosition(at: anchored.head.sequence)?.hash
            )
        } catch let error as RemoteError where error.kind == .unsupported {
            comparison.pending = "the remote does not anchor audit chains, so the chain was not compared"
        } catch let error as RemoteError {
            comparison.pending = Self.pendingNote(error)
            return comparison
        }
        do {
            comparison.reconcile = try await Reconciler(journal: journal, remote: remote, owner: owner, actor: actor)
                .run(apply: true, progress: progress)
        } catch let error as RemoteError {
            comparison.pending = Self.pendingNote(error)
        }
        return comparison
    }

    private static func pendingNote(_ error: RemoteError) -> String {
        "the remote could not be asked (\(error.message)); reconciliation is pending: run `fapiao reconcile` "
            + "when it answers"
    }
}
