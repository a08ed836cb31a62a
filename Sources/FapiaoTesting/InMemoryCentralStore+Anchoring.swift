import FapiaoCentralStore
import FapiaoCore
import Foundation
import Synchronization

/// The in-memory store's record of every branch: anchored chains, breaks, pushes, rejections.
struct BranchLedger {
    struct Branch {
        var chain = AnchorState()
        var entries: [Int64: [AuditEntry]] = [:]
        var breaks: [ChainBreak] = []
        var overview: BranchOverview
        var rejections: [CentralRejection] = []
        var outboxHistory: [(at: UTCTimestamp, size: Int)] = []
    }
    var branches: [String: Branch] = [:]

    subscript(branch: String) -> Branch {
        get { branches[branch] ?? Branch(overview: BranchOverview(branch: branch)) }
        set { branches[branch] = newValue }
    }
}

extension InMemoryCentralStore {
    func refuseIfBroken(_ branch: String) throws {
        if let recorded = branches.withLock({ $0[branch].chain.unacknowledgedBreak }) {
            throw CentralStoreError(.chainBroken, recorded.sentence(branch: branch))
        }
    }

    func recordPush(_ outcomes: [OperationOutcome], of operations: [InvoiceOperation], from branch: String) {
        let instant = now()
        branches.withLock { ledger in
            ledger[branch].overview.lastPush = instant
            for outcome in outcomes {
                if case .rejected(let reason) = outcome.outcome {
                    ledger[branch].overview.rejected += 1
                    ledger[branch].overview.lastRejection = (reason, instant)
                    let invoice = operations.first { $0.id == outcome.operationID }?.invoiceID.uuidText ?? ""
                    ledger[branch].rejections.append(
                        CentralRejection(
                            operationID: outcome.operationID.uuidText,
                            invoiceID: invoice,
                            reason: reason,
                            at: instant
                        )
                    )
                }
            }
        }
    }

    public func anchorState(branch: String) async throws -> AnchorState {
        branches.withLock { $0[branch].chain }
    }

    public func anchor(_ shipment: AuditShipment, from branch: String) async throws -> AnchorState {
        let instant = now()
        let checked = AuditAnchoring.CheckedShipment(shipment)
        return branches.withLock { ledger in
            var record = ledger[branch]
            record.overview.lastAnchor = instant
            record.overview.report = shipment.report
            if record.outboxHistory.last?.size != shipment.report.outboxSize
                || instant.millisecondsSinceEpoch - (record.outboxHistory.last?.at.millisecondsSinceEpoch ?? 0)
                    >= OutboxHistory.interval
            {
                record.outboxHistory.append((instant, shipment.report.outboxSize))
            }
            let held = record.entries[record.chain.epoch] ?? []
            var anchoredHashes: [Int64: String] = [:]
            for sequence in AuditAnchoring.sequencesToCompare(shipment, state: record.chain) {
                anchoredHashes[sequence] = held.first { $0.sequence == sequence }?.hash
            }
            let decision = AuditAnchoring.decide(
                checked,
                from: branch,
                state: record.chain,
                anchoredHashes: anchoredHashes,
                now: instant
            )
            switch decision {
            case .append(let entries, let head):
                record.entries[record.chain.epoch, default: []] += entries
                record.chain.head = head
            case .breakChain(let found):
                record.breaks.append(found)
                record.chain.unacknowledgedBreak = found
            case .refused, .alreadyAnchored:
                break
            }
            ledger[branch] = record
            return record.chain
        }
    }

    public func acknowledgeBreak(branch: String, actor: String, reason: String) async throws -> ChainBreak {
        try branches.withLock { ledger in
            guard let found = ledger[branch].chain.unacknowledgedBreak else {
                throw CentralStoreError(.notFound, "\(branch) has no chain break waiting for acknowledgement")
            }
            ledger[branch].chain = AnchorState(epoch: ledger[branch].chain.epoch + 1)
            return found
        }
    }

    public func anchoredEntries(branch: String, epoch: Int64?) async throws -> [AuditEntry] {
        branches.withLock { ledger in
            let record = ledger[branch]
            return record.entries[epoch ?? record.chain.epoch] ?? []
        }
    }

    public func branchDetail(_ branch: String, limit: Int) async throws -> BranchDetail {
        branches.withLock { ledger in
            let record = ledger[branch]
            return BranchDetail(
                rejections: Array(record.rejections.reversed().prefix(max(0, limit))),
                outboxHistory: Array(record.outboxHistory.reversed().prefix(max(0, limit)))
            )
        }
    }

    public func branchOverviews() async throws -> [BranchOverview] {
        let counts = try await numberUses().reduce(into: [String: Int64]()) { $0[$1.branch, default: 0] += 1 }
        return branches.withLock { ledger in
            Set(ledger.branches.keys).union(counts.keys).sorted().map { name in
                let record = ledger[name]
                var overview = record.overview
                overview.chain = record.chain
                overview.invoices = counts[name] ?? 0
                overview.anchoredEntries = Int64(record.entries[record.chain.epoch]?.count ?? 0)
                return overview
            }
        }
    }
}
