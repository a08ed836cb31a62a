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
        guard String(validating: body, as: UTF8.self) != nil else {
            throw InputFileError(
                code: .unusable,
                message: "The file \(name) is not UTF-8 text; save it as UTF-8 and try again."
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
                message: "The CSV header of \(name) names \"\(unknown)\", which is not an invoice field; "
                    + "columns are \(InvoiceInput.headerFields.joined(separator: ", "))."
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
            rows.append(ImportRow(line: rowNumber, input: .success(.fromCSV(header: header, row: row))))
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
