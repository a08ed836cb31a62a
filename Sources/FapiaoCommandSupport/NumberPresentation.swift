import FapiaoCore
import Foundation

/// A number report as `fapiao numbers` and `fapiao-central numbers` print it.
public enum NumberPresentation {
    public static func title(_ report: NumberReport) -> String {
        report.series.map { "series \($0.rangeText) (\($0.type.rawValue))" }
            ?? "\(report.type.rawValue) \(report.code.isEmpty ? "" : report.code + " ")(no series)"
    }

    public static func lines(_ report: NumberReport) -> [String] {
        var lines = [
            title(report),
            "  used \(report.used), voided \(report.voided), red \(report.red), highest \(report.highest ?? "none")",
        ]
        let gaps = report.gaps.prefix(20).map { "\($0.text) (\($0.count))" }
        lines.append(
            "  gaps \(report.gapCount)" + (gaps.isEmpty ? "" : ": " + gaps.joined(separator: ", "))
                + (report.gaps.count > 20 ? ", …" : "")
        )
        if !report.explained.isEmpty {
            lines.append("  explained " + report.explained.map(\.text).joined(separator: ", "))
        }
        for duplicate in report.duplicates {
            let holders = duplicate.uses.map {
                "\($0.invoiceID.uuidText.prefix(8))\($0.branch.isEmpty ? "" : "@\($0.branch)")"
            }
            lines.append("  duplicate \(duplicate.number): " + holders.joined(separator: ", "))
        }
        for late in report.outOfOrder {
            lines.append(
                "  out of order \(late.number) issued \(late.issueDate), after \(late.previousNumber) issued \(late.previousDate)"
            )
        }
        return lines
    }

    public static func json(_ report: NumberReport) -> CanonicalJSON {
        func range(_ range: NumberReport.Range) -> CanonicalJSON {
            .object(["first": .string(range.first), "last": .string(range.last), "count": .integer(Int64(range.count))])
        }
        return .object([
            "series": report.series.map { .string($0.rangeText) } ?? .null,
            "type": .string(report.type.rawValue),
            "code": .string(report.code),
            "used": .integer(Int64(report.used)),
            "voided": .integer(Int64(report.voided)),
            "red": .integer(Int64(report.red)),
            "highest": report.highest.map(CanonicalJSON.string) ?? .null,
            "gapCount": .integer(Int64(report.gapCount)),
            "gaps": .array(report.gaps.map(range)),
            "explained": .array(report.explained.map(range)),
            "duplicates": .array(
                report.duplicates.map { duplicate in
                    .object([
                        "number": .string(duplicate.number),
                        "invoices": .array(
                            duplicate.uses.map {
                                .object(["id": .string($0.invoiceID.uuidText), "branch": .string($0.branch)])
                            }
                        ),
                    ])
                }
            ),
            "outOfOrder": .array(
                report.outOfOrder.map {
                    .object([
                        "number": .string($0.number), "issueDate": .string($0.issueDate.description),
                        "previousNumber": .string($0.previousNumber),
                        "previousDate": .string($0.previousDate.description),
                    ])
                }
            ),
        ])
    }
}
