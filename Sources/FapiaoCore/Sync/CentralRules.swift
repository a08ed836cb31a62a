import Foundation

/// The one decision every central store applies to a pushed operation (DESIGN §4).
///
/// Pure: the store looks up what the decision needs (the operation id's earlier hash,
/// the invoice's current version, the owner of its number), asks ``decide(_:situation:policy:)``,
/// and stores the version when told to apply it. SQLite, PostgreSQL and in-memory stores
/// therefore cannot disagree about an outcome.
public enum CentralRules {
    /// What the store knows that bears on one operation.
    public struct Situation: Hashable, Sendable {
        /// The hash recorded for this operation id, when the centre applied it before.
        public var appliedHash: String?
        /// The centre's current version of the operation's invoice, if it has one.
        public var current: RemoteVersion?
        /// The current version of the invoice that owns the operation's (seller, code, number),
        /// when that is another invoice.
        public var numberOwner: RemoteVersion?
        /// For a red invoice: the centre's version of the original it names, if the centre holds it.
        public var redOriginal: RemoteVersion?
        /// For a red invoice: the red invoices the centre holds against the same original, from
        /// any branch (the operation's own invoice may be among them; it is left out).
        public var redsAgainstOriginal: [Invoice]

        public init(
            appliedHash: String? = nil,
            current: RemoteVersion? = nil,
            numberOwner: RemoteVersion? = nil,
            redOriginal: RemoteVersion? = nil,
            redsAgainstOriginal: [Invoice] = []
        ) {
            self.appliedHash = appliedHash
            self.current = current
            self.numberOwner = numberOwner
            self.redOriginal = redOriginal
            self.redsAgainstOriginal = redsAgainstOriginal
        }
    }

    /// What the store must do.
    public enum Decision: Hashable, Sendable {
        /// Store the operation's version and clock, record the operation id with its hash,
        /// and answer ``PushOutcome/accepted``.
        case apply
        /// Store nothing; answer this.
        case answer(PushOutcome)

        /// The outcome the branch receives.
        public var outcome: PushOutcome {
            switch self {
            case .apply: .accepted
            case .answer(let outcome): outcome
            }
        }
    }

    /// What can be decided about an operation before the store is read.
    ///
    /// That is whether the invoice itself is acceptable. Stores compute it for a whole batch,
    /// in parallel, before taking their write lock.
    public struct Precheck: Hashable, Sendable {
        /// Why the centre refuses the operation whatever it holds, or `nil`.
        public var invalidity: String?
        /// The profile's red-invoice reasons, "issued in error" first, for the checks against the original.
        public var redReasons: [String] = []
    }

    /// The part of the decision that needs no store.
    public static func precheck(_ operation: InvoiceOperation, policy: CentralPolicy = .standard) -> Precheck {
        Precheck(invalidity: invalidity(of: operation, policy: policy), redReasons: policy.validation.red.reasons)
    }

    /// Decides what happens to `operation`.
    public static func decide(
        _ operation: InvoiceOperation,
        situation: Situation,
        policy: CentralPolicy = .standard
    ) -> Decision {
        decide(operation, situation: situation, precheck: precheck(operation, policy: policy))
    }

    /// Decides what happens to `operation`, with its ``Precheck`` computed beforehand.
    public static func decide(_ operation: InvoiceOperation, situation: Situation, precheck: Precheck) -> Decision {
        if let appliedHash = situation.appliedHash {
            return appliedHash == operation.hash
                ? .answer(.duplicate)
                : .answer(
                    .rejected(
                        reason:
                            "operation \(operation.id.uuidText) was already applied with different content; an operation id is never reused"
                    )
                )
        }
        if let reason = precheck.invalidity {
            return .answer(.rejected(reason: reason))
        }
        // A red invoice against its original, as the centre holds them from every branch: the
        // same rules the branch applied against its own journal (RedInvoiceRules).
        if operation.invoice.kind == .red, operation.kind != .void, operation.invoice.red != nil {
            let issues = RedInvoiceRules.issues(
                operation.invoice,
                original: situation.redOriginal?.invoice,
                earlierReds: situation.redsAgainstOriginal.filter { $0.id != operation.invoiceID },
                reasons: precheck.redReasons
            )
            if !issues.isEmpty {
                return .answer(.rejected(reason: issues.map(\.description).joined(separator: "; ")))
            }
        }
        if let owner = situation.numberOwner, owner.invoice.id != operation.invoiceID {
            return .answer(.conflict(.duplicateNumber, remote: owner))
        }
        guard let current = situation.current else {
            return .apply
        }
        switch operation.clock.compare(to: current.clock) {
        case .after:
            if current.invoice.void != nil, operation.invoice.void == nil, operation.kind != .resolve {
                return .answer(
                    .rejected(
                        reason:
                            "invoice \(operation.invoiceID.uuidText) is voided; a voided invoice cannot be changed"
                    )
                )
            }
            return .apply
        case .equal, .before:
            return .answer(.stale(current: current.clock))
        case .concurrent:
            return .answer(.conflict(current.invoice.void != nil ? .editOfVoided : .concurrentEdit, remote: current))
        }
    }

    /// Why the centre refuses `operation` whatever it holds, or `nil` when it is acceptable.
    public static func invalidity(of operation: InvoiceOperation, policy: CentralPolicy = .standard) -> String? {
        let invoice = operation.invoice
        if operation.clock.counters.isEmpty {
            return "operation \(operation.id.uuidText) has an empty vector clock"
        }
        if operation.kind == .void, invoice.void == nil {
            return "void operation \(operation.id.uuidText) carries no void record"
        }
        let context = CaptureContext(
            id: invoice.id,
            capturedAt: invoice.capturedAt,
            branch: invoice.branch,
            operatorName: invoice.operatorName
        )
        do {
            _ = try InvoiceValidator.validate(
                InvoiceInput(invoice: invoice),
                policy: policy.validation,
                context: context
            )
        } catch {
            return error.issues.map(\.description).joined(separator: "; ")
        }
        return nil
    }
}
