import Foundation

/// One audit entry as a row of an export: its position in the export and every field its
/// hash covers, as text cells.
///
/// The same cells make a CSV record and a JSONL object, so both formats carry exactly what
/// ``AuditEntry/computedHash`` needs, and the `row` column numbers the rows so that a removed
/// one can be named even when a filter leaves gaps between sequences.
public struct AuditExportRow: Hashable, Sendable {
    /// The row's number in the export, from 1.
    public var row: Int
    public var entry: AuditEntry

    public init(row: Int, entry: AuditEntry) {
        self.row = row
        self.entry = entry
    }

    /// The columns, in order: the header of a CSV export and the members of a JSONL line.
    public static let columns = [
        "row", "sequence", "wallTime", "node", "actor", "event", "invoiceID", "operationID", "clock", "details",
        "previousHash", "hash",
    ]

    /// The cells in ``columns`` order; an absent invoice or operation id is an empty cell.
    public var cells: [String] {
        [
            String(row), String(entry.sequence), entry.wallTime.description, entry.node, entry.actor,
            entry.event.rawValue, entry.invoiceID?.uuidText ?? "", entry.operationID?.uuidText ?? "",
            entry.clock.description, entry.detailsText, entry.previousHash, entry.hash,
        ]
    }

    /// The row as one JSON object: `row` and `sequence` numbers, absent ids `null`, every
    /// other member the cell's text (`clock` and `details` too, so their exact bytes survive).
    public var json: CanonicalJSON {
        var members: [String: CanonicalJSON] = [:]
        for (column, cell) in zip(Self.columns, cells) { members[column] = .string(cell) }
        members["row"] = .integer(Int64(row))
        members["sequence"] = .integer(entry.sequence)
        members["invoiceID"] = .optional(entry.invoiceID?.uuidText)
        members["operationID"] = .optional(entry.operationID?.uuidText)
        return .object(members)
    }

    /// Reads a row back from its cells in ``columns`` order.
    ///
    /// - Parameters:
    ///   - cells: the cells, one per column.
    ///   - position: the row's place in its file, from 1, for messages.
    /// - Throws: ``AuditExportProblem`` (tampered) naming the row and the column that does not parse.
    public init(cells: [String], position: Int) throws(AuditExportProblem) {
        guard cells.count == Self.columns.count else {
            throw .tampered(
                "row \(position) has \(cells.count) cells instead of \(Self.columns.count) "
                    + "(\(Self.columns.joined(separator: ", "))): the file was edited."
            )
        }
        let row = Self.integer(cells[0]).flatMap { Int(exactly: $0) }
        let name = row.map { "row \($0)" } ?? "row \(position)"
        func refuse(_ column: String, _ what: String) -> AuditExportProblem {
            let cell = cells[Self.columns.firstIndex(of: column) ?? 0]
            let shown = cell.count > 40 ? String(cell.prefix(40)) + "…" : cell
            return .tampered("\(name): column \(column) holds \"\(shown)\", which is not \(what): the file was edited.")
        }
        guard let row, row > 0 else { throw refuse("row", "a row number") }
        guard let sequence = Self.integer(cells[1]), sequence > 0 else { throw refuse("sequence", "a sequence number") }
        guard let wallTime = UTCTimestamp(parsing: cells[2]) else {
            throw refuse("wallTime", "a time like 2026-11-20T08:15:30.125Z")
        }
        guard let event = AuditEvent(rawValue: cells[5]) else { throw refuse("event", "an audit event") }
        func id(_ index: Int) throws(AuditExportProblem) -> UUID? {
            if cells[index].isEmpty { return nil }
            guard let id = UUID(uuidText: cells[index]) else { throw refuse(Self.columns[index], "an id") }
            return id
        }
        let invoiceID = try id(6)
        let operationID = try id(7)
        guard let clock = VectorClock(parsing: cells[8]) else { throw refuse("clock", "a vector clock") }
        self.init(
            row: row,
            entry: AuditEntry(
                sequence: sequence,
                wallTime: wallTime,
                node: cells[3],
                actor: cells[4],
                event: event,
                invoiceID: invoiceID,
                operationID: operationID,
                clock: clock,
                detailsText: cells[9],
                previousHash: cells[10],
                hash: cells[11]
            )
        )
    }

    /// Reads a row back from a JSONL line's object.
    ///
    /// - Throws: ``AuditExportProblem`` (tampered) naming the line and the member that is missing.
    public init(json value: JSONValue, line: Int) throws(AuditExportProblem) {
        guard case .object(let members) = value else {
            throw .tampered("line \(line) is not a JSON object: the file was edited.")
        }
        var cells: [String] = []
        for column in Self.columns {
            switch members.first(where: { $0.key == column })?.value {
            case .string(let text)?: cells.append(text)
            case .number(let text)?: cells.append(text)
            case .null?: cells.append("")
            default:
                throw .tampered("line \(line) has no text member \"\(column)\": the file was edited.")
            }
        }
        try self.init(cells: cells, position: line)
    }

    /// A whole number of at most 18 digits, checked before conversion.
    private static func integer(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            return nil
        }
        return Int64(text)
    }
}
