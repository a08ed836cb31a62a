import CSV
import FapiaoCore
import Foundation

/// Reads invoices from JSONL or CSV into ``ImportRow``s, one per record.
public enum InvoiceFileReader {
    /// The longest line accepted, so a runaway file fails fast with a clear message.
    public static let maximumRecordBytes = 1 << 20

    /// Reads the file at `path` (`-` for standard input).
    public static func read(path: String, format: InvoiceFileFormat) throws(InputFileError) -> [ImportRow] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard FileManager.default.fileExists(atPath: path) else {
                throw InputFileError(code: .notFound, message: "The file \(path) does not exist; check the path.")
            }
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw InputFileError(
                    code: .unusable,
                    message: "The file \(path) cannot be read; check its permissions."
                )
            }
            data = contents
        }
        return try parse([UInt8](data), format: format, name: path)
    }

    /// Parses file contents.
    public static func parse(
        _ bytes: [UInt8],
        format: InvoiceFileFormat,
        name: String
    ) throws(InputFileError) -> [ImportRow] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }  // UTF-8 BOM from spreadsheets
        if String(validating: body, as: UTF8.self) == nil, let offset = JSONValue.firstInvalidUTF8(in: Array(body)) {
            // Named by line, so the one row typed in another encoding can be found and retyped.
            let line = 1 + body.prefix(offset).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            throw InputFileError(
                code: .unusable,
                message:
                    "The file \(name) is not UTF-8 text: line \(line) (byte \(body.startIndex + offset + 1)) is not "
                    + "a UTF-8 character (GBK or another encoding?); save it as UTF-8 and try again."
            )
        }
        switch format {
        case .jsonl: return parseJSONLines(body)
        case .csv: return try parseCSV(String(decoding: body, as: UTF8.self), name: name)
        }
    }

    private static func parseJSONLines(_ bytes: ArraySlice<UInt8>) -> [ImportRow] {
        var rows: [ImportRow] = []
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var record = line
            if record.last == 0x0D { record = record.dropLast() }
            if record.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard record.count <= maximumRecordBytes else {
                rows.append(ImportRow(line: lineNumber, input: .failure(lineFailure("must be at most 1 MiB long"))))
                continue
            }
            do {
                rows.append(ImportRow(line: lineNumber, input: .success(.fromJSON(try JSONValue.parse(record)))))
            } catch {
                rows.append(ImportRow(line: lineNumber, input: .failure(lineFailure("is not valid JSON (\(error))"))))
            }
        }
        return rows
    }

    private static func parseCSV(_ text: String, name: String) throws(InputFileError) -> [ImportRow] {
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw InputFileError(
                code: .unusable,
                message: "The CSV file \(name) is empty; it needs a header row naming the fields (type, number, "
                    + "issueDate, …) and a row per invoice."
            )
        }
        // The CSV reader reads past broken quoting without a word (a quote never closed swallows
        // the rest of the file into one cell); such a file is refused here, naming the line.
        let layout = CSVLayout(text)
        if let problem = layout.problem {
            throw InputFileError(
                code: .unusable,
                message: "The CSV file \(name) is malformed at line \(problem.line): \(problem.message)."
            )
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw InputFileError(
                code: .unusable,
                message: "The CSV file \(name) cannot be read (\(error)); check its quoting."
            )
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        let known = Set(InvoiceInput.headerFields).union(InvoiceInput.systemFields)
        if let unknown = header.first(where: { !known.contains($0) }) {
            throw InputFileError(
                code: .unusable,
                message: "The CSV header of \(name) names \(unknown.quotedExcerpt), which is not an invoice field; "
                    + "columns are \(InvoiceInput.headerFields.joined(separator: ", "))."
            )
        }
        var seen = Set<String>()
        if let repeated = header.first(where: { !$0.isEmpty && !seen.insert($0).inserted }) {
            throw InputFileError(
                code: .unusable,
                message: "The CSV header of \(name) names \"\(repeated)\" twice; name each column once."
            )
        }
        guard header.contains("number") else {
            throw InputFileError(
                code: .unusable,
                message:
                    "The CSV file \(name) has no header row naming the fields (type, number, issueDate, …); add one."
            )
        }
        var rows: [ImportRow] = []
        var rowNumber = 1
        while let row = reader.next() {
            rowNumber += 1
            if row.allSatisfy({ $0.isEmpty }) { continue }
            // The line the record starts on: a quoted cell may hold line breaks.
            let line = rowNumber - 1 < layout.recordLines.count ? layout.recordLines[rowNumber - 1] : rowNumber
            rows.append(ImportRow(line: line, input: .success(.fromCSV(header: header, row: row))))
        }
        if let error = reader.error {
            throw InputFileError(
                code: .unusable,
                message: "The CSV file \(name) is malformed after row \(rowNumber) (\(error)); check its quoting."
            )
        }
        return rows
    }

    private static func lineFailure(_ message: String) -> ValidationFailure {
        ValidationFailure(issues: [ValidationIssue(field: "line", rule: "format", message: message)])
    }
}

/// Where a CSV text's records start, and the first quoting mistake in it (RFC 4180: a cell is
/// quoted whole or not at all, a quote inside a quoted cell is doubled, a quote opened is closed).
struct CSVLayout {
    /// The line each record starts on, the header's first.
    var recordLines: [Int] = []
    var problem: (line: Int, message: String)?

    init(_ text: String) {
        var line = 1
        var quoteLine = 0
        var inQuotes = false
        var cellStart = true
        var afterClosingQuote = false
        var recordStarts = true
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        while let scalar = pending ?? scalars.next() {
            pending = nil
            if recordStarts {
                recordLines.append(line)
                recordStarts = false
            }
            if inQuotes {
                if scalar == "\"" {
                    let next = scalars.next()
                    if next == "\"" { continue }  // a doubled quote inside the cell
                    inQuotes = false
                    afterClosingQuote = true
                    pending = next
                } else if scalar == "\n" || (scalar == "\r" && !Self.followedByLineFeed(&scalars, &pending)) {
                    line += 1
                }
                continue
            }
            switch scalar {
            case ",":
                cellStart = true
                afterClosingQuote = false
            case "\n", "\r":
                if scalar == "\r" { _ = Self.followedByLineFeed(&scalars, &pending, consume: true) }
                line += 1
                cellStart = true
                afterClosingQuote = false
                recordStarts = true
            case "\"" where cellStart:
                inQuotes = true
                quoteLine = line
                cellStart = false
            default:
                if afterClosingQuote {
                    // A quote left open swallows lines until the next quote "closes" it: name the
                    // line it was opened on, where the mistake is.
                    problem =
                        quoteLine < line
                        ? (quoteLine, "a quote opened here runs on to line \(line); close it where the cell ends")
                        : (line, "a quoted cell has text after its closing quote; quote the whole cell")
                    return
                }
                if scalar == "\"" {
                    problem = (
                        line,
                        "a cell holds a quote but does not start with one; put the cell in quotes and double the quote"
                    )
                    return
                }
                cellStart = false
            }
        }
        if inQuotes {
            problem = (quoteLine, "a quote opened here is never closed")
        }
    }

    /// Whether the next scalar is a line feed (a CRLF); consumes it when `consume`, else leaves it pending.
    private static func followedByLineFeed(
        _ scalars: inout String.UnicodeScalarView.Iterator,
        _ pending: inout Unicode.Scalar?,
        consume: Bool = false
    ) -> Bool {
        let next = scalars.next()
        if next == "\n" {
            if !consume { pending = next }
            return true
        }
        pending = next
        return false
    }
}
