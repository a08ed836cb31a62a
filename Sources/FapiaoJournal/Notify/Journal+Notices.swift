import FapiaoCore
import Foundation

extension Journal {
    /// The journal's clock now (the real one, or a simulated one in tests and demos).
    public var now: UTCTimestamp { environment.now() }

    /// The reasons a person at the branch should hear about now: the attention reasons of
    /// `status --check` (quarantined invoices, open conflicts, operations in doubt after a failed
    /// sync, the profile's deadlines and limits), and an outbox whose oldest operation has waited
    /// longer than `outboxAgeMilliseconds`.
    ///
    /// Keys name the reason, not its figures, so a growing outbox is one reason sent again only
    /// after the re-send interval (``NoticeSchedule``).
    public func branchNotices(outboxAgeMilliseconds: Int64) throws -> [BranchNotice] {
        let now = environment.now()
        let outbox = try outboxFigures()
        let history = try syncHistory()
        var notices: [BranchNotice] = []
        if let oldest = outbox.oldestPendingSince,
            now.millisecondsSinceEpoch - oldest.millisecondsSinceEpoch >= outboxAgeMilliseconds
        {
            let waited = (now.millisecondsSinceEpoch - oldest.millisecondsSinceEpoch) / 60_000
            notices.append(
                BranchNotice(
                    kind: .outboxAge,
                    key: "outbox-age",
                    message: "\(outbox.pendingOperations) operation(s) wait in the outbox, the oldest since \(oldest) "
                        + "(\(waited / 60)h \(waited % 60)m, over the \(Self.hoursText(outboxAgeMilliseconds)) threshold): "
                        + "the centre has not received them.",
                    details: [
                        "pendingOperations": .integer(Int64(outbox.pendingOperations)),
                        "oldestPendingSince": .string(oldest.description),
                        "lastSyncError": .optional(history.lastError),
                    ]
                )
            )
        }
        let quarantined = outbox.quarantinedInvoices
        if quarantined > 0 {
            notices.append(
                BranchNotice(
                    kind: .quarantined,
                    key: "quarantined",
                    message: "\(quarantined) quarantined invoice(s) wait for a fix: see `fapiao quarantine list`.",
                    details: ["invoices": .integer(Int64(quarantined))]
                )
            )
        }
        if outbox.openConflicts > 0 {
            notices.append(
                BranchNotice(
                    kind: .conflicts,
                    key: "conflicts",
                    message: "\(outbox.openConflicts) open conflict(s) wait for a person: see `fapiao conflicts list`.",
                    details: ["conflicts": .integer(Int64(outbox.openConflicts))]
                )
            )
        }
        let inDoubt = outbox.inDoubtInvoices
        if inDoubt > 0, let error = history.lastError {
            notices.append(
                BranchNotice(
                    kind: .inDoubt,
                    key: "in-doubt",
                    message: "\(inDoubt) invoice(s) in doubt since the last sync failed (\(error)).",
                    details: ["invoices": .integer(Int64(inDoubt))]
                )
            )
        }
        for reminder in try obligations() {
            notices.append(
                BranchNotice(
                    kind: .deadline,
                    key: "deadline:\(reminder.rule):\(reminder.severity.rawValue)",
                    message: reminder.message,
                    details: [
                        "rule": .string(reminder.rule),
                        "severity": .string(reminder.severity.rawValue),
                        "invoices": .array(reminder.invoiceIDs.map { .string($0.uuidText) }),
                    ]
                )
            )
        }
        return notices
    }

    private static func hoursText(_ milliseconds: Int64) -> String {
        let minutes = milliseconds / 60_000
        return minutes % 60 == 0 ? "\(minutes / 60)h" : "\(minutes)m"
    }
}
