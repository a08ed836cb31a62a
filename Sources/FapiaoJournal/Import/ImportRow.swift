import CSV
import FapiaoCore
import Foundation

/// One record of an import file: where it was, and what it holds or why it could not be read.
public struct ImportRow: Hashable, Sendable {
    /// The 1-based line (JSONL) or row (CSV, header = 1) number.
    public var line: Int
    public var input: Result<InvoiceInput, ValidationFailure>

    public init(line: Int, input: Result<InvoiceInput, ValidationFailure>) {
        self.line = line
        self.input = input
    }
}
