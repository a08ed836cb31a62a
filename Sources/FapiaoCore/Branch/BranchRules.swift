/// The branch's own decisions, beside the centre's ``CentralRules``: pure functions of what the
/// journal knows, so every case can be table-tested and the journal only looks things up and
/// writes what it is told (DESIGN §5).
///
/// Vector clocks decide; wall time is never an input.
public enum BranchRules {
    // MARK: Pull

    /// What the journal knows about an invoice when a version of it arrives from the remote.
    public struct LocalSituation: Hashable, Sendable {
        /// The branch's clock for the invoice.
        public var clock: VectorClock
        /// Whether the branch's version is voided.
        public var isVoided: Bool
        /// Whether a conflict about the invoice is open.
        public var hasOpenConflict: Bool
        /// Whether the invoice has operations not yet answered by the remote.
        public var hasUnansweredOperations: Bool
        /// Whether another invoice of this journal holds the remote version's number.
        public var numberTakenHere: Bool

        public init(
            clock: VectorClock,
            isVoided: Bool = false,
            hasOpenConflict: Bool = false,
            hasUnansweredOperations: Bool = false,
            numberTakenHere: Bool = false
        ) {
            self.clock = clock
            self.isVoided = isVoided
            self.hasOpenConflict = hasOpenConflict
            self.hasUnansweredOperations = hasUnansweredOperations
            self.numberTakenHere = numberTakenHere
        }
    }

    /// What a version pulled from the remote does to the branch's.
    public enum PullDecision: Hashable, Sendable {
        /// The branch has this version or a newer one: nothing to do.
        case unchanged
        /// A conflict is open: its remote side becomes this newer version, so the resolution
        /// dominates it.
        case refreshOpenConflict
        /// The remote version dominates: it replaces the branch's (audit `pulled`).
        case apply
        /// Neither dominates (or the number is taken here): a conflict of this kind.
        case conflict(ConflictKind)
        /// The branch has changes still to push; the push will meet the remote version.
        case waitForPush
    }

    /// Decides what a version pulled from the remote does to the branch's (DESIGN §5).
    ///
    /// - Parameters:
    ///   - remote: the remote's version.
    ///   - local: what the journal knows, or `nil` when it does not hold the invoice.
    /// - Returns: the decision; `nil` when the journal does not hold the invoice (reconcile reports it).
    public static func pulled(_ remote: RemoteVersion, local: LocalSituation?) -> PullDecision? {
        guard let local else { return nil }
        let order = remote.clock.compare(to: local.clock)
        switch order {
        case .equal, .before:
            return .unchanged
        case .after, .concurrent:
            if local.hasOpenConflict { return .refreshOpenConflict }
            if order == .after, !local.numberTakenHere { return .apply }
            if local.hasUnansweredOperations { return .waitForPush }
            return .conflict(remote.invoice.void != nil && !local.isVoided ? .editOfVoided : .concurrentEdit)
        }
    }

    // MARK: Reconcile

    /// What reconcile finds for one invoice the remote lists for this branch.
    public enum ReconcileDecision: Hashable, Sendable {
        /// The journal does not hold it.
        case missingLocally
        /// Same clock, same content.
        case matching
        /// Same clock, other content: someone changed the remote's copy. `recordConflict` is
        /// false when a conflict is open already.
        case contentDiffers(recordConflict: Bool)
        /// The remote is behind, but a queued change or an open conflict will carry the invoice.
        case awaitingPush
        /// The remote is behind and nothing here will send the invoice again: re-queue it.
        case olderAtRemote
        /// The remote holds a newer or concurrent version: treat it as a pull.
        case newerAtRemote
    }

    /// Decides what reconcile makes of the remote's version of an invoice.
    ///
    /// - Parameters:
    ///   - remote: the remote's version.
    ///   - localContentHash: the SHA-256 of the branch's canonical content, when it holds the invoice.
    ///   - local: what the journal knows, when it holds the invoice.
    /// - Returns: the finding, and what the journal does about it.
    public static func reconciled(
        _ remote: RemoteVersion,
        localContentHash: String?,
        local: LocalSituation?
    ) -> ReconcileDecision {
        guard let local, let localContentHash else { return .missingLocally }
        switch remote.clock.compare(to: local.clock) {
        case .equal:
            return remote.invoice.contentHash == localContentHash
                ? .matching : .contentDiffers(recordConflict: !local.hasOpenConflict)
        case .before:
            return local.hasUnansweredOperations || local.hasOpenConflict ? .awaitingPush : .olderAtRemote
        case .after, .concurrent:
            return .newerAtRemote
        }
    }

    /// Whether an invoice the branch believes the remote holds, but the remote did not list,
    /// is re-queued: yes, unless a queued change or an open conflict will carry it anyway.
    public static func requeuesMissingAtRemote(local: LocalSituation) -> Bool {
        !local.hasUnansweredOperations && !local.hasOpenConflict
    }

    // MARK: Outcomes and states

    /// What the journal records for a pushed operation.
    public struct Transition: Hashable, Sendable {
        /// The operation's new status.
        public var status: OperationStatus
        /// The audit events written, in order.
        public var events: [AuditEvent]
        /// Whether the remote may hold the operation although it did not say so.
        public var inDoubt: Bool { status == .inDoubt }
    }

    /// The status and audit events that follow from what became of a pushed operation.
    public static func transition(for result: PushResult) -> Transition {
        switch result {
        case .answered(.accepted): Transition(status: .accepted, events: [.accepted])
        case .answered(.duplicate): Transition(status: .duplicate, events: [.duplicate])
        case .answered(.stale): Transition(status: .stale, events: [.stale])
        case .answered(.conflict): Transition(status: .conflict, events: [.conflict])
        case .answered(.rejected): Transition(status: .quarantined, events: [.rejected, .quarantined])
        case .answered(.deferred): Transition(status: .pending, events: [.deferred])
        case .unanswered(_, mayHaveApplied: true): Transition(status: .inDoubt, events: [.inDoubt])
        case .unanswered(_, mayHaveApplied: false): Transition(status: .pending, events: [.deferred])
        case .gaveUp: Transition(status: .quarantined, events: [.quarantined])
        }
    }

    /// An invoice's sync state, from the statuses of its operations and its open conflicts:
    /// quarantined if any operation is; in conflict if a conflict is open or an operation is in
    /// conflict; else in doubt, in flight or pending if any operation is unanswered (in that
    /// order); else accepted.
    public static func syncState(operations: some Sequence<OperationStatus>, hasOpenConflict: Bool) -> SyncState {
        let statuses = Set(operations)
        if statuses.contains(.quarantined) { return .quarantined }
        if hasOpenConflict || statuses.contains(.conflict) { return .conflict }
        if statuses.contains(.inDoubt) { return .inDoubt }
        if statuses.contains(.inFlight) { return .inFlight }
        if statuses.contains(.pending) { return .pending }
        return .accepted
    }
}
