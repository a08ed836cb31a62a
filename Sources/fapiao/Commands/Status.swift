import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Summarise the journal: invoices per state, pending work and its age.",
        discussion: """
            With --check, exits 1 when attention is needed, for cron and monitoring: quarantined \
            invoices, open conflicts, operations in doubt after the last sync failed, and everything \
            the branch owes under its profile (`fapiao profile show`): an upload deadline passed \
            (error) or within 24 hours (warning), 75 % of the outage's offline hours and 80 % of an \
            offline limit used, invoices of a month still unsynced after the 10th of the next, and a \
            filing day passed with invoices of its period unsynced. --format json lists every reason \
            with the ids of the invoices it concerns. The remote's health is asked with a short \
            timeout unless --offline is given. With --check it also sends the branch's notices \
            (`fapiao notify`): each reason once, and again only after `notify.interval`.

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
            let reminders = try journal.obligations()
            let outage = try journal.openOutage()
            let attention = status.needsAttention(lastSyncError: history.lastError) || !reminders.isEmpty
            switch format {
            case .json:
                let syncReasons: [CanonicalJSON] = status.attentionReasons(lastSyncError: history.lastError).map {
                    let members: [String: CanonicalJSON] = [
                        "severity": .string("error"), "rule": .string("sync"), "message": .string($0),
                        "invoices": .array([]),
                    ]
                    return .object(members)
                }
                let attentionJSON = syncReasons + reminders.map(Self.json)
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
                        "attention": .array(attentionJSON),
                        "profile": .string(journal.settings.profile.name),
                        "simulatedClock": .bool(journal.settings.simulatedClock),
                        "outage": outage.map(OutageCommand.json) ?? .null,
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
                emit(
                    "profile   \(journal.settings.profile.name)\(journal.settings.simulatedClock ? " (simulated clock)" : "")"
                )
                if let outage { emit("outage    \(OutageCommand.line(outage))") }
                for reason in status.attentionReasons(lastSyncError: history.lastError) {
                    emit("error     \(reason)")
                }
                for reminder in reminders {
                    let ids = reminder.invoiceIDs.prefix(5).map { String($0.uuidText.prefix(8)) }
                    let more = reminder.invoiceIDs.count > 5 ? " …" : ""
                    emit(
                        "\(reminder.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(reminder.message)"
                            + (ids.isEmpty ? "" : " [\(ids.joined(separator: " "))\(more)]")
                    )
                }
                if attention {
                    emit("attention needed (`fapiao status --format json` lists every invoice concerned)")
                }
            }
            if check { await BranchNotifier.run(journal: journal) }
            return attention
        }
        if check && needsAttention { throw ExitCode(ExitStatus.attention) }
    }
}

extension Status {
    static func json(_ reminder: OfflineRules.Reminder) -> CanonicalJSON {
        .object([
            "severity": .string(reminder.severity.rawValue),
            "rule": .string(reminder.rule),
            "message": .string(reminder.message),
            "invoices": .array(reminder.invoiceIDs.map { .string($0.uuidText) }),
        ])
    }

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
