import FapiaoCore
import FapiaoJournal
import FapiaoSync
import Foundation

/// What a run changed (the remote lost or back), the notices it makes, and `--cron`'s report.
extension Sync {
    /// Remembers how the run ended (the remote lost or back); `nil` for an interrupted run, which says neither.
    func recordTransition(_ summary: SyncSummary, journal: Journal) -> SyncTransition? {
        if summary.stop?.kind == .interrupted { return nil }
        do {
            return try journal.recordSyncTransition(stop: summary.stop?.kind.description)
        } catch {
            printError("could not record how the sync ended: \(error)")
            return nil
        }
    }

    /// The events a run's transition makes notices of: the remote back after being unreachable.
    static func events(_ transition: SyncTransition, journal: Journal) -> [BranchNotice] {
        guard transition.cameBack, let since = transition.unreachableSince else { return [] }
        let now = journal.now
        let minutes = max(0, now.millisecondsSinceEpoch - since.millisecondsSinceEpoch) / 60_000
        return [
            BranchNotice(
                kind: .remoteBack,
                key: "remote-back:\(since)",
                message: "The remote answers again (at \(now)) after being unreachable since \(since) "
                    + "(\(minutes / 60)h \(minutes % 60)m); the outbox is being sent.",
                details: ["unreachableSince": .string(since.description), "backAt": .string(now.description)],
                isEvent: true
            )
        ]
    }

    /// `--cron`: one line when something changed, nothing otherwise.
    func reportForCron(
        _ summary: SyncSummary,
        transition: SyncTransition?,
        outageNote: String?,
        journal: Journal
    ) {
        if format == .json {
            report(summary, journal: journal)
            return
        }
        if let transition, transition.cameBack, let since = transition.unreachableSince {
            emit(
                "remote back: it answers again after being unreachable since \(since)"
                    + (outageNote.map { "; \($0)" } ?? "")
            )
        }
        if summary.sent > 0 || summary.pulled.applied > 0 || summary.pulled.conflicts > 0 {
            emit(summary.line)
        }
        if let refusal = anchorRefusal(summary, journal: journal) { printError(refusal) }
        guard let stop = summary.stop, stop.kind != .interrupted else { return }
        if stop.kind == .remoteUnavailable {
            if let wentDown = transition?.wentDownAt {
                printError(
                    "remote unreachable since \(wentDown); everything stays queued, and sync --cron stays quiet "
                        + "until it answers (exit 69 each run): \(stop.message)"
                        + (outageNote.map { "; \($0)" } ?? "")
                )
            }
        } else if transition?.sameStopAsBefore != true {
            printError(
                SyncCommandSupport.stopMessage(
                    stop,
                    remote: remoteOptions.remote ?? journal.settings.remote ?? "the remote"
                )
            )
        }
    }
}
