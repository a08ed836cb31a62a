import FapiaoFailpoints

/// The journal's write transactions, by what they make durable: each has a failpoint before
/// and after its commit, named `journal.STEP.before-commit` / `journal.STEP.after-commit`.
enum DurableStep: String, CaseIterable {
    case create
    case capture
    case amend
    case void
    case importBatch = "import"
    case requeue
    case markInFlight = "mark-in-flight"
    case record
    case pull
    case resolve
    case resolverPolicy = "resolver-policy"
    case reconcile
    case leaseAcquire = "lease-acquire"
    case leaseRenew = "lease-renew"
    case leaseRelease = "lease-release"
    case syncRun = "sync-run"
    case outage
    case periodClose = "period-close"
    case profileValue = "profile-value"
    case series
    case notifier
    case notice
    case setting

    func failpoint(_ phase: Failpoint.Phase) -> String { "journal.\(rawValue).\(phase.rawValue)" }
}
