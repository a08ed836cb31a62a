import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation

/// `fapiao sync --dry-run`: what each queued operation would do, changing nothing.
///
/// When the remote answers, its current versions are looked up and ``CentralRules`` is
/// applied locally to predict each outcome; otherwise the operations are only listed.
struct DryRun {
    let journal: Journal
    let remote: any RemoteAdapter
    let format: ReportFormat

    struct Line {
        var item: OutboxItem
        var prediction: String
    }

    func run() async throws -> Int32 {
        var items: [OutboxItem] = []
        var cursor = try journal.outboxStart()
        while true {
            let batch = try journal.outboxBatch(after: cursor, limit: 1000)
            guard let last = batch.last else { break }
            items += batch
            cursor = last.sequence
        }
        var known: [UUID: RemoteVersion] = [:]
        var reachable = true
        do {
            for start in stride(from: 0, to: items.count, by: 500) {
                let ids = Array(Set(items[start..<min(start + 500, items.count)].map(\.operation.invoiceID)))
                for version in try await remote.lookup(ids).found { known[version.invoice.id] = version }
            }
        } catch {
            reachable = false
            printNote("\(remote.endpoint) did not answer (\(error)); listing without predictions")
        }
        // Later operations of one invoice are judged against the version the earlier ones leave.
        var lines: [Line] = []
        for item in items {
            let prediction: String
            if !reachable {
                prediction = item.status == .pending ? "would be sent" : "would be re-sent with the same id"
            } else {
                let decision = CentralRules.decide(
                    item.operation,
                    situation: CentralRules.Situation(current: known[item.operation.invoiceID])
                )
                prediction = Self.describe(decision.outcome, status: item.status)
                if case .apply = decision {
                    known[item.operation.invoiceID] = RemoteVersion(
                        invoice: item.operation.invoice,
                        clock: item.operation.clock
                    )
                }
            }
            lines.append(Line(item: item, prediction: prediction))
        }
        let blocked = try journal.blockedOperationCount()
        switch format {
        case .json:
            emit(
                CanonicalJSON.object([
                    "operations": .array(
                        lines.map { line in
                            .object([
                                "opID": .string(line.item.operation.id.uuidString),
                                "kind": .string(line.item.operation.kind.rawValue),
                                "invoiceID": .string(line.item.operation.invoiceID.uuidString),
                                "number": .string(line.item.operation.invoice.number),
                                "status": .string(line.item.status.rawValue),
                                "prediction": .string(line.prediction),
                            ])
                        }
                    ),
                    "blocked": .integer(Int64(blocked)),
                    "remoteAnswered": .bool(reachable),
                ]).text
            )
        case .text:
            emit(
                table(
                    ["OP", "KIND", "NUMBER", "STATUS", "WOULD"],
                    lines.map { line in
                        [
                            String(line.item.operation.id.uuidString.prefix(8)), line.item.operation.kind.rawValue,
                            line.item.operation.invoice.number, line.item.status.rawValue, line.prediction,
                        ]
                    }
                )
            )
            emit("\(lines.count.grouped) operations would be sent; nothing was changed")
            if blocked > 0 {
                emit("\(blocked.grouped) more wait behind quarantined or conflicting changes")
            }
        }
        return 0
    }

    static func describe(_ outcome: PushOutcome, status: OperationStatus) -> String {
        switch outcome {
        case .accepted:
            status == .pending ? "be accepted" : "be accepted (or answered duplicate if the earlier send landed)"
        case .duplicate: "be answered duplicate"
        case .stale: "be answered stale or duplicate: the remote already holds this version"
        case .conflict(let kind, let remote): "conflict (\(kind.rawValue)) with the remote's version \(remote.clock)"
        case .rejected(let reason): "be rejected: \(reason)"
        case .deferred(let reason): "be deferred: \(reason)"
        }
    }
}
