import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Synchronization

/// A central store held in memory, for unit tests only: the reference for what every
/// store does with ``CentralRules``.
public final class InMemoryCentralStore: CentralStore {
    private struct Record {
        var version: RemoteVersion
        var changeSequence: Int64
        var changedBy: String
    }

    private struct State {
        var invoices: [UUID: Record] = [:]
        var numberOwners: [NumberKey: UUID] = [:]
        var appliedHashes: [UUID: String] = [:]
        var lastSequence: Int64 = 0
        /// Every operation applied, in order (HQ's invoice history).
        var applied: [(invoiceID: UUID, record: CentralOperationRecord)] = []
    }

    public let node: String
    public let kind = "memory"
    public let policy: CentralPolicy
    private let state = Mutex(State())
    /// The branches' anchored chains and HQ's view of them (InMemoryCentralStore+Anchoring).
    let branches = Mutex(BranchLedger())
    /// The wall clock recorded on breaks and pushes.
    let now: @Sendable () -> UTCTimestamp

    public init(
        node: String = "central",
        policy: CentralPolicy = .standard,
        now: @escaping @Sendable () -> UTCTimestamp = { UTCTimestamp(millisecondsSinceEpoch: 0) }
    ) {
        self.node = node
        self.policy = policy
        self.now = now
    }

    public func push(_ operations: [InvoiceOperation], from branch: String) async throws -> [OperationOutcome] {
        try refuseIfBroken(branch)
        let outcomes = state.withLock { state in
            operations.map { operation in
                let situation = Self.situation(for: operation, in: state)
                let decision = CentralRules.decide(operation, situation: situation, policy: policy)
                if case .apply = decision {
                    Self.apply(operation, changedBy: branch, to: &state)
                }
                return OperationOutcome(operationID: operation.id, outcome: decision.outcome)
            }
        }
        recordPush(outcomes, of: operations, from: branch)
        return outcomes
    }

    public func lookup(_ ids: [UUID]) async throws -> InvoiceLookup {
        state.withLock { state in
            var found: [RemoteVersion] = []
            var missing: [UUID] = []
            for id in ids {
                if let record = state.invoices[id] { found.append(record.version) } else { missing.append(id) }
            }
            return InvoiceLookup(found: found, missing: missing)
        }
    }

    public func changes(
        branch: String,
        since cursor: Int64,
        limit: Int,
        scope: ChangeScope
    ) async throws -> ChangePage {
        state.withLock { state in
            let matching = state.invoices.values
                .filter { $0.version.invoice.branch == branch && $0.changeSequence > cursor }
                .filter { scope == .all || $0.changedBy != branch }
                .sorted { $0.changeSequence < $1.changeSequence }
            let page = matching.prefix(limit)
            return ChangePage(
                changes: page.map {
                    ChangePage.Change(sequence: $0.changeSequence, version: $0.version, changedBy: $0.changedBy)
                },
                cursor: page.last?.changeSequence ?? cursor,
                hasMore: matching.count > page.count
            )
        }
    }

    public func edit(_ invoiceID: UUID, _ edit: CentralEdit) async throws -> RemoteVersion {
        try state.withLock { state throws(CentralStoreError) in
            guard let current = state.invoices[invoiceID] else {
                throw CentralStoreError(.invoiceNotFound, "the centre holds no invoice \(invoiceID.uuidText)")
            }
            let operation = try edit.operation(on: current.version, node: node, policy: policy)
            if let owner = state.numberOwners[operation.invoice.numberKey], owner != invoiceID {
                throw CentralStoreError(.invalidEdit, "number \(operation.invoice.number) belongs to another invoice")
            }
            Self.apply(operation, changedBy: node, to: &state)
            return RemoteVersion(invoice: operation.invoice, clock: operation.clock)
        }
    }

    public func invoiceCount() async throws -> Int64 { state.withLock { Int64($0.invoices.count) } }

    public func numberUses() async throws -> [NumberReport.Use] {
        state.withLock { state in state.invoices.values.map { NumberReport.Use($0.version.invoice) } }
    }

    public func close() async throws {}

    /// Removes an invoice as if someone deleted its row at the centre (reconcile tests).
    public func removeInvoice(_ id: UUID) {
        state.withLock { state in
            if let record = state.invoices.removeValue(forKey: id) {
                state.numberOwners[record.version.invoice.numberKey] = nil
            }
        }
    }

    private static func situation(for operation: InvoiceOperation, in state: State) -> CentralRules.Situation {
        let ownerID = state.numberOwners[operation.invoice.numberKey]
        let original = operation.invoice.originalKey
        return CentralRules.Situation(
            appliedHash: state.appliedHashes[operation.id],
            current: state.invoices[operation.invoiceID]?.version,
            numberOwner: ownerID.flatMap { state.invoices[$0]?.version },
            redOriginal: original.flatMap { state.numberOwners[$0] }.flatMap { state.invoices[$0]?.version },
            redsAgainstOriginal: original.map { key in
                state.invoices.values.map(\.version.invoice).filter { $0.originalKey == key }
            } ?? []
        )
    }

    private static func apply(_ operation: InvoiceOperation, changedBy: String, to state: inout State) {
        if let previous = state.invoices[operation.invoiceID]?.version.invoice.numberKey {
            state.numberOwners[previous] = nil
        }
        state.lastSequence += 1
        state.invoices[operation.invoiceID] = Record(
            version: RemoteVersion(invoice: operation.invoice, clock: operation.clock),
            changeSequence: state.lastSequence,
            changedBy: changedBy
        )
        state.numberOwners[operation.invoice.numberKey] = operation.invoiceID
        state.appliedHashes[operation.id] = operation.hash
        state.applied.append(
            (
                operation.invoiceID,
                CentralOperationRecord(
                    operationID: operation.id.uuidText,
                    kind: operation.kind.rawValue,
                    node: changedBy,
                    clock: operation.clock,
                    appliedAt: nil
                )
            )
        )
    }

    // MARK: HQ's console

    public func searchInvoices(_ text: String, limit: Int) async throws -> [RemoteVersion] {
        let needle = text.lowercased()
        return state.withLock { state in
            state.invoices.values.sorted { $0.changeSequence > $1.changeSequence }.map(\.version).filter { version in
                let invoice = version.invoice
                return invoice.branch == text || invoice.seller.taxID == text
                    || [invoice.number, invoice.seller.name, invoice.buyer.name, invoice.buyer.taxID]
                        .contains { $0.lowercased().contains(needle) }
            }.prefix(max(0, limit)).map { $0 }
        }
    }

    public func invoiceHistory(_ id: UUID) async throws -> CentralInvoiceHistory {
        let (current, operations) = state.withLock { state in
            (state.invoices[id]?.version, state.applied.filter { $0.invoiceID == id }.map(\.record))
        }
        let entries = branches.withLock { ledger in
            ledger.branches.keys.sorted().flatMap { branch in
                (ledger.branches[branch]?.entries ?? [:]).keys.sorted().flatMap { epoch in
                    (ledger.branches[branch]?.entries[epoch] ?? []).filter { $0.invoiceID == id }.map { (branch, $0) }
                }
            }
        }
        return CentralInvoiceHistory(current: current, operations: operations, entries: entries)
    }
}
