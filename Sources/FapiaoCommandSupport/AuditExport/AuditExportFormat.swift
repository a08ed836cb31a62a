import ArgumentParser
import CSV
import FapiaoCore
import Foundation

/// How the rows of an audit export are written: CSV for spreadsheets, JSONL for programs.
public enum AuditExportFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// UTF-8 with a byte-order mark (so Excel reads Chinese as such), CRLF line ends, RFC 4180
    /// quoting, a header row naming ``AuditExportRow/columns``.
    case csv
    /// One canonical JSON object per line (``AuditExportRow/json``), LF line ends.
    case jsonl

    /// The rows file's name in an export directory.
    public var fileName: String { "audit.\(rawValue)" }

    /// The format of the rows file named `name`, or `nil` when it is neither.
    public init?(fileName name: String) {
        guard let format = Self.allCases.first(where: { $0.fileName == name }) else { return nil }
        self = format
    }

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The rows as file contents.
    ///
    /// - Parameters:
    ///   - rows: the rows, in order.
    ///   - byteOrderMark: whether a CSV starts with the UTF-8 byte-order mark (for a file; not
    ///     for standard output, where it would reach the next program as a character).
    /// - Returns: the bytes of the file.
    public func encode(_ rows: [AuditExportRow], byteOrderMark: Bool = true) -> [UInt8] {
        switch self {
        case .jsonl:
            var bytes: [UInt8] = []
            for row in rows {
                row.json.write(into: &bytes)
                bytes.append(0x0A)
            }
            return bytes
        case .csv:
            let stream = OutputStream(toMemory: ())
            // Writing to memory cannot fail; the library's throws cover files and sockets.
            if let writer = try? CSVWriter(stream: stream, newline: .crlf) {
                try? writer.write(row: AuditExportRow.columns)
                for row in rows { try? writer.write(row: row.cells) }
                writer.stream.close()
            }
            let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
            // The writer ends a record only when another follows; the file ends with one too.
            return (byteOrderMark ? Self.byteOrderMark : []) + [UInt8](data) + [0x0D, 0x0A]
        }
    }

    /// Reads rows back from file contents, in file order.
    ///
    /// - Throws: ``AuditExportProblem`` (tampered) naming the file and the line or row that does not parse.
    public func decode(_ bytes: [UInt8], name: String) throws(AuditExportProblem) -> [AuditExportRow] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .tampered("\(name) is not UTF-8 text: the file was edited or saved in another encoding.")
        }
        switch self {
        case .jsonl:
            var rows: [AuditExportRow] = []
            for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
            where !line.isEmpty {
                let value: JSONValue
                do {
                    value = try JSONValue.parse(line)
                } catch {
                    throw .tampered("\(name) line \(index + 1) is not JSON (\(error)): the file was edited.")
                }
                do {
                    rows.append(try AuditExportRow(json: value, line: index + 1))
                } catch {
                    throw .tampered("\(name): \(error.message)")
                }
            }
            return rows
        case .csv:
            guard bytes.starts(with: Self.byteOrderMark) else {
                throw .tampered("\(name) does not start with the UTF-8 byte-order mark: it was saved again.")
            }
            let reader: CSVReader
            do {
                reader = try CSVReader(string: String(text.unicodeScalars.dropFirst()), hasHeaderRow: true)
            } catch {
                throw .tampered("\(name) cannot be read as CSV (\(error)): the file was edited.")
            }
            guard reader.headerRow == AuditExportRow.columns else {
                throw .tampered(
                    "\(name)'s header is not \(AuditExportRow.columns.joined(separator: ",")): the file was edited."
                )
            }
            var rows: [AuditExportRow] = []
            while let cells = reader.next() {
                do {
                    rows.append(try AuditExportRow(cells: cells, position: rows.count + 1))
                } catch {
                    throw .tampered("\(name): \(error.message)")
                }
            }
            if let error = reader.error {
                throw .tampered("\(name) is malformed after row \(rows.count) (\(error)): the file was edited.")
            }
            return rows
        }
    }
}
