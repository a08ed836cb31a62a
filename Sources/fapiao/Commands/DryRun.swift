import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation

/// `fapiao sync --dry-run`: what each queued operation would do, changing nothing.
///
/// The plan is the engine's (``SyncEngine/plan(pageSize:_:)``): it streams page by page, so a
/// million queued operations are listed in bounded memory; this only prints it.
struct DryRun {
    let journal: Journal
    let engine: SyncEngine
    let endpoint: String
    let format: ReportFormat

    func run() async throws -> Int32 {
        let blocked = try journal.blockedOperationCount()
        var first = true
        if format == .json {
            write(#"{"blocked":\#(blocked),"operations":["#)
        } else {
            emit(Self.row("OP", "KIND", "NUMBER", "STATUS", "WOULD"))
        }
        let summary = try await engine.plan { page in
            var text = ""
            for planned in page {
                let item = planned.item
                let prediction = Self.describe(planned.prediction, status: item.status)
                switch format {
                case .json:
                    if !first { text += "," }
                    first = false
                    text +=
                        CanonicalJSON.object([
                            "opID": .string(item.operation.id.uuidText),
                            "kind": .string(item.operation.kind.rawValue),
                            "invoiceID": .string(item.operation.invoiceID.uuidText),
                            "number": planned.invoice.map { .string($0.number) } ?? .null,
                            "status": .string(item.status.rawValue),
                            "prediction": .string(prediction),
                        ]).text
                case .text:
                    text +=
                        Self.row(
                            String(item.operation.id.uuidText.prefix(8)),
                            item.operation.kind.rawValue,
                            planned.invoice?.number ?? "-",
                            item.status.rawValue,
                            prediction
                        ) + "\n"
                }
            }
            write(text)
        }
        if let failure = summary.remoteFailure {
            printNote("\(endpoint) did not answer (\(failure)); the rest is listed without predictions")
        }
        switch format {
        case .json:
            emit(#"],"remoteAnswered":\#(summary.remoteAnswered)}"#)
        case .text:
            emit("\(summary.operations.grouped) operations would be sent; nothing was changed")
            if blocked > 0 {
                emit("\(blocked.grouped) more wait behind quarantined or conflicting changes")
            }
        }
        return 0
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(utf8: text)
    }

    /// One line of the text table, in fixed columns so it can be printed as it is planned.
    static func row(_ op: String, _ kind: String, _ number: String, _ status: String, _ would: String) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }
        return pad(op, 10) + pad(kind, 9) + pad(number, 22) + pad(status, 12) + would
    }

    static func describe(_ prediction: PlannedOperation.Prediction, status: OperationStatus) -> String {
        switch prediction {
        case .send(let resend):
            return resend ? "would be re-sent with the same id" : "would be sent"
        case .outcome(let outcome):
            return switch outcome {
            case .accepted:
                status == .pending ? "be accepted" : "be accepted (or answered duplicate if the earlier send landed)"
            case .duplicate: "be answered duplicate"
            case .stale: "be answered stale or duplicate: the remote already holds this version"
            case .conflict(let kind, let remote):
                "conflict (\(kind.rawValue)) with the remote's version \(remote.clock)"
            case .rejected(let reason): "be rejected: \(reason)"
            case .deferred(let reason): "be deferred: \(reason)"
            }
        }
    }
}
