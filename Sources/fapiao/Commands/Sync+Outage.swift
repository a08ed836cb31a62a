import FapiaoCore
import FapiaoJournal
import FapiaoSync
import Foundation

extension Sync {
    /// Opens an outage when the remote stayed unreachable through the run's retries, and ends
    /// the one sync opened when the remote answers again, anchoring its end at once; an outage a
    /// person opened, a person ends.
    ///
    /// - Returns: what changed, one sentence for standard error, or `nil`.
    func followOutage(_ summary: SyncSummary, journal: Journal, engine: SyncEngine) async -> String? {
        do {
            let open = try journal.openOutage()
            if summary.stop?.kind == .remoteUnavailable, open == nil {
                let outage = try journal.startOutage(actor: SyncCommandSupport.outageActor)
                return "the remote stays unreachable: outage \(outage.id) opened; captures now count against the "
                    + "\(journal.settings.profile.name) profile's offline limits (`fapiao outage status`)"
            } else if summary.stop == nil, let open, open.openedBy == SyncCommandSupport.outageActor {
                try journal.endOutage(actor: SyncCommandSupport.outageActor)
                _ = try? await engine.anchorRemaining()
                return "the remote answers again: outage \(open.id) ended; upload deadlines run from now"
            } else if summary.stop == nil, let open {
                return "the remote answers again, but outage \(open.id) opened by \(open.openedBy) stays open: "
                    + "end it with `fapiao outage end`"
            }
        } catch {
            // The sync's own result stands; the outage is a record beside it.
            printError("could not record the outage: \(error)")
        }
        return nil
    }
}
