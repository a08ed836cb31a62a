import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation

/// What the console's pages show, as the values its templates read.
enum ConsoleText {
    /// `just now`, `5m ago`, `3h ago`, `2d ago`.
    static func age(_ instant: UTCTimestamp, now: UTCTimestamp) -> String {
        let seconds = max(0, (now.millisecondsSinceEpoch - instant.millisecondsSinceEpoch) / 1000)
        switch seconds {
        case ..<60: return "just now"
        case ..<3_600: return "\(seconds / 60)m ago"
        case ..<172_800: return "\(seconds / 3_600)h ago"
        default: return "\(seconds / 86_400)d ago"
        }
    }

    static func branch(_ overview: BranchOverview, now: UTCTimestamp, silentAfter: Duration) -> [String: Any] {
        let report = overview.report
        return [
            "branch": overview.branch,
            "lastSeen": overview.lastSeen.map { age($0, now: now) } ?? "never",
            "outbox": report.map { String($0.outboxSize) } ?? "-",
            "oldestUnsent": report?.oldestPending.map { age($0, now: now) } ?? "-",
            "invoices": overview.invoices,
            "rejected": overview.rejected,
            "conflicts": report.map { String($0.openConflicts) } ?? "-",
            "overdue": report.map { String($0.overdue) } ?? "-",
            "chain": overview.chain.isBroken
                ? "BROKEN" : "intact, \(overview.anchoredEntries) entries (chain \(overview.chain.epoch))",
            "chainClass": overview.chain.isBroken ? "bad" : "ok",
            "attention": overview.attention(now: now, silentAfter: silentAfter).joined(separator: ", "),
        ]
    }

    static func invoiceRow(_ version: RemoteVersion) -> [String: Any] {
        let invoice = version.invoice
        return [
            "id": invoice.id.uuidText, "number": invoice.number, "type": invoice.type.rawValue,
            "issueDate": invoice.issueDate.description, "seller": invoice.seller.name, "buyer": invoice.buyer.name,
            "gross": invoice.gross.decimalText, "branch": invoice.branch,
            "state": invoice.void != nil ? "voided" : (invoice.red != nil ? "red" : "issued"),
        ]
    }

    /// The outbox sizes (newest first) as a small SVG line, oldest on the left; "-" for none.
    static func chart(_ points: [(at: UTCTimestamp, size: Int)], width: Int, height: Int) -> String {
        let ordered = points.reversed().map(\.size)
        guard !ordered.isEmpty else { return "-" }
        let highest = max(ordered.max() ?? 0, 1)
        let step = ordered.count > 1 ? Double(width - 2) / Double(ordered.count - 1) : 0
        let coordinates = ordered.enumerated().map { index, size in
            let x = 1 + Double(index) * step
            // One pixel inside the box at both ends: the highest at y = 1, zero at y = height - 1.
            let y = Double(height - 1) - Double(size) / Double(highest) * Double(height - 2)
            return String(format: "%.1f,%.1f", x, y)
        }.joined(separator: " ")
        let label = "outbox from \(ordered.first ?? 0) to \(ordered.last ?? 0), highest \(highest)"
        return """
            <svg class="spark" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" \
            aria-label="\(label)"><polyline fill="none" stroke="#17324d" stroke-width="1.5" points="\(coordinates)"/>\
            </svg> <span class="note">\(ordered.last ?? 0)</span>
            """
    }
}
