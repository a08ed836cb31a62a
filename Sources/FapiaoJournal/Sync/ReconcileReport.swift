import FapiaoCore
import FapiaoRemote
import Foundation
import GRDB

/// What `fapiao reconcile` compared and found.
public struct ReconcileReport: Hashable, Sendable {
    /// The branch's invoices the remote holds.
    public var remoteInvoices = 0
    /// Of those, the ones that match the journal exactly (same clock, same content).
    public var matching = 0
    /// Invoices with changes still waiting to be pushed (not a discrepancy).
    public var awaitingPush = 0
    public var findings: [ReconcileFinding] = []
    /// Whether anything was written (false for a dry run).
    public var applied = true
    var seen = Set<UUID>()

    public init(applied: Bool = true) { self.applied = applied }

    /// Findings of one kind.
    public func count(_ kind: ReconcileFinding.Kind) -> Int { findings.count { $0.kind == kind } }

    /// Whether the journal and the remote agree on everything.
    public var isClean: Bool { findings.isEmpty }
}
