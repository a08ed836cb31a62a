import FapiaoCore

extension JournalStatus {
    /// Why the branch needs a person now, one sentence each, in the order to act on them;
    /// empty when nothing does (`fapiao status --check` exits 1 when it is not).
    ///
    /// Quarantined invoices and open conflicts always need a person. Invoices in doubt need one
    /// only when the last sync failed: right after a lost reply the next sync settles them.
    ///
    /// - Parameter lastSyncError: why the last sync attempt failed, if it did.
    /// - Returns: one sentence per reason.
    public func attentionReasons(lastSyncError: String?) -> [String] {
        var reasons: [String] = []
        let quarantined = byState[.quarantined] ?? 0
        if quarantined > 0 {
            reasons.append("\(quarantined) quarantined invoice(s) wait for a fix: see `fapiao quarantine list`")
        }
        if openConflicts > 0 {
            reasons.append("\(openConflicts) open conflict(s) wait for a person: see `fapiao conflicts list`")
        }
        let inDoubt = byState[.inDoubt] ?? 0
        if inDoubt > 0, let lastSyncError {
            reasons.append("\(inDoubt) invoice(s) in doubt since the last sync failed (\(lastSyncError))")
        }
        return reasons
    }

    /// Whether ``attentionReasons(lastSyncError:)`` names anything.
    public func needsAttention(lastSyncError: String?) -> Bool {
        !attentionReasons(lastSyncError: lastSyncError).isEmpty
    }
}
