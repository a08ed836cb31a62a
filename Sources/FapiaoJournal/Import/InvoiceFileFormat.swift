import CSV
import FapiaoCore
import Foundation

/// The file formats `fapiao import` reads.
public enum InvoiceFileFormat: String, Hashable, Sendable, CaseIterable {
    /// One JSON invoice per line (DESIGN §3 wire form).
    case jsonl
    /// A header row naming the fields (`seller.taxID` style), one invoice per row.
    case csv

    /// The format a file name implies, if any.
    public static func guess(path: String) -> InvoiceFileFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonl }
        return nil
    }
}
