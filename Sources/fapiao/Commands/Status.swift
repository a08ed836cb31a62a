import ArgumentParser
import FapiaoCore
import FapiaoJournal
import Foundation

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise the journal: invoices per state, pending work and its age.",
        discussion: """
            With --check, exits 1 when attention is needed (quarantined invoices or open conflicts), \
            for cron and monitoring.

            Examples:
              fapiao status
              fapiao status --format json
              fapiao status --check || notify-hq
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Flag(help: "Exit 1 when attention is needed.")
    var check = false
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        let needsAttention = try reportingErrors {
            let journal = try journalOptions.open()
            let status = try journal.status()
            let attention = (status.byState[.quarantined] ?? 0) + status.openConflicts > 0
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
                emit("audit     \(status.auditEntries.grouped) entries")
                if attention {
                    emit("attention needed: see `fapiao list --state quarantined` and `fapiao list --state conflict`")
                }
            }
            return attention
        }
        if check && needsAttention { throw ExitCode(ExitStatus.attention) }
    }
}
