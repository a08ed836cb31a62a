import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise the journal: invoices per state, pending work and its age.",
        discussion: """
            With --check, exits 1 when attention is needed (quarantined invoices, open conflicts, \
            or operations in doubt after the last sync failed), for cron and monitoring. The remote's \
            health is asked with a short timeout unless --offline is given.

            Examples:
              fapiao status
              fapiao status --format json
              fapiao status --check || notify-hq
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Flag(help: "Exit 1 when attention is needed.")
    var check = false
    @Flag(help: "Do not ask the remote for its health.")
    var offline = false
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() async throws {
        let needsAttention = try await reportingAsyncErrors {
            let journal = try journalOptions.open()
            let status = try journal.status()
            let history = try journal.syncHistory()
            let health = offline || status.remote == nil ? nil : await Self.remoteHealth(journal)
            let attention = status.needsAttention(lastSyncError: history.lastError)
            switch format {
            case .json:
                var byState: [String: CanonicalJSON] = [:]
                for state in SyncState.allCases {
                    byState[state.rawValue] = .integer(Int64(status.byState[state] ?? 0))
                }
                emit(
                    CanonicalJSON.object([
                        "journal": .string(journal.path),
                        "node": .string(status.node),
                        "remote": .optional(status.remote),
                        "invoices": .integer(Int64(status.invoices)),
                        "states": .object(byState),
                        "voided": .integer(Int64(status.voided)),
                        "pendingOperations": .integer(Int64(status.pendingOperations)),
                        "oldestPendingSince": .optional(status.oldestPendingSince?.description),
                        "openConflicts": .integer(Int64(status.openConflicts)),
                        "auditEntries": .integer(Int64(status.auditEntries)),
                        "lastSuccessfulSync": .optional(history.lastSuccess?.description),
                        "lastSyncAttempt": .optional(history.lastAttempt?.description),
                        "lastSyncError": .optional(history.lastError),
                        "remoteHealth": .optional(health),
                        "attentionNeeded": .bool(attention),
                    ]).text
                )
            case .text:
                emit("journal   \(journal.path)")
                emit("node      \(status.node)")
                emit("remote    \(status.remote ?? "not configured")")
                emit(
                    "invoices  \(status.invoices.grouped)"
                        + (status.voided > 0 ? " (\(status.voided.grouped) voided)" : "")
                )
                for state in SyncState.allCases {
                    let count = status.byState[state] ?? 0
                    if count > 0 || state == .pending {
                        emit("  \(state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(count.grouped)")
                    }
                }
                let oldest = status.oldestPendingSince.map { "; oldest queued \($0)" } ?? ""
                emit("outbox    \(status.pendingOperations.grouped) operations waiting\(oldest)")
                emit("conflicts \(status.openConflicts.grouped) open")
                emit("last sync \(history.lastSuccess?.description ?? "never succeeded")")
                if let error = history.lastError {
                    emit("          last attempt \(history.lastAttempt?.description ?? "?") failed: \(error)")
                }
                if let health { emit("health    \(health)") }
                emit("audit     \(status.auditEntries.grouped) entries")
                if attention {
                    emit("attention needed: see `fapiao quarantine list` and `fapiao list --state conflict`")
                }
            }
            return attention
        }
        if check && needsAttention { throw ExitCode(ExitStatus.attention) }
    }
}

extension Status {
    /// The remote's answer to a health check, in a few words; never fails the command.
    static func remoteHealth(_ journal: Journal) async -> String {
        do {
            let remote = try await RemoteConnection.open(
                url: nil,
                tokenFile: nil,
                journal: journal,
                timeout: .seconds(3)
            )
            let report = try await RemoteConnection.using(remote) { try await remote.health() }
            return "\(report.status) (\(report.node), \(report.store), \(report.invoices) invoices)"
        } catch {
            return "unreachable: \(error)"
        }
    }
}
