import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Assigns a range of numbers to the branch, audited.
    ///
    /// - Throws: ``JournalError`` `.invalidSetting` naming the rule (type, code or number form,
    ///   order, overlap with another series).
    @discardableResult
    public func addSeries(
        type: String,
        code: String?,
        first: String,
        last: String,
        actor: String
    ) throws -> NumberSeries {
        func refuse(_ message: String) -> JournalError { JournalError(code: .invalidSetting, message: message) }
        guard let type = InvoiceType(rawValue: type) else {
            throw refuse("--type must be one of \(InvoiceType.listText), not \"\(type.prefix(30))\".")
        }
        let code = HalfWidth.normalise(code ?? "", upperCase: true)
        let first = HalfWidth.normalise(first, upperCase: true)
        let last = HalfWidth.normalise(last, upperCase: true)
        if type.isDigital, !code.isEmpty {
            throw refuse("--code must be empty for a digital (\(type.rawValue)) series.")
        }
        if !type.isDigital, type != .other, !(code.count == 10 || code.count == 12) || NumberValue(code) == nil {
            throw refuse("--code must be the series' 10- or 12-digit 发票代码 for a \(type.rawValue) series.")
        }
        let widths: ClosedRange<Int> = type.isDigital ? 20...20 : type == .other ? 8...20 : 8...8
        guard widths.contains(first.count), first.count == last.count, let low = NumberValue(first),
            let high = NumberValue(last)
        else {
            throw refuse(
                "--from and --to must be numbers of \(widths.lowerBound == widths.upperBound ? "\(widths.lowerBound)" : "8 to 20") digits, of the same width."
            )
        }
        guard low <= high else { throw refuse("--from \(first) must not be after --to \(last).") }
        let series = NumberSeries(type: type, code: code, first: first, last: last)
        let instant = environment.now()
        let id = try write(.series) { db -> Int64 in
            for existing in try seriesRows(db) where existing.type == type && existing.code == code {
                if let otherLow = NumberValue(existing.first), let otherHigh = NumberValue(existing.last),
                    otherLow <= high, low <= otherHigh
                {
                    throw refuse("The range overlaps series \(existing.rangeText); nothing was changed.")
                }
            }
            try db.execute(
                sql:
                    "INSERT INTO number_series (type, code, first, last, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [type.rawValue, code, first, last, instant.description, actor]
            )
            let id = db.lastInsertedRowID
            var audit = try AuditAppender(db: db)
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .configured,
                details: .object(["series": .string(series.rangeText), "type": .string(type.rawValue)])
            )
            return id
        }
        var added = series
        added.id = id
        return added
    }

    /// The branch's series, in the order they were added.
    public func series() throws -> [NumberSeries] {
        try read { db in try seriesRows(db) }
    }

    func seriesRows(_ db: Database) throws -> [NumberSeries] {
        // Cached: preparing the statement (GRDB authorises every column it reads) cost a fifth of
        // a capture, where reading the few rows costs next to nothing.
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, type, code, first, last FROM number_series ORDER BY id")
        ).compactMap { row in
            InvoiceType(rawValue: row["type"]).map {
                NumberSeries(id: row["id"], type: $0, code: row["code"], first: row["first"], last: row["last"])
            }
        }
    }

    /// Why `invoice`'s number may not be captured: outside every series of its type, when the
    /// branch has series of that type and the clerk did not override it.
    func seriesIssue(_ series: [NumberSeries], _ invoice: Invoice) -> ValidationIssue? {
        let mine = series.filter { $0.type == invoice.type }
        guard !mine.isEmpty,
            !mine.contains(where: { $0.contains(type: invoice.type, code: invoice.code ?? "", number: invoice.number) })
        else { return nil }
        return ValidationIssue(
            field: "number",
            rule: "series",
            message: "\(invoice.number) is outside the branch's \(invoice.type.rawValue) series ("
                + mine.map(\.rangeText).joined(separator: ", ")
                + "); if it was issued anyway, capture it with --outside-series and --override-reason"
        )
    }

    /// The failure to report when `invoice`'s number is outside the series and not overridden.
    func seriesFailure(_ db: Database, _ invoice: Invoice, options: CaptureOptions) throws -> ValidationFailure? {
        guard !options.acceptOutsideSeries, let issue = seriesIssue(try seriesRows(db), invoice) else { return nil }
        return ValidationFailure(issues: [issue])
    }

    /// Records why a range of numbers was skipped (a spoilt roll, numbers handed back), audited.
    ///
    /// - Parameters:
    ///   - range: `FIRST-LAST` or one number, after `CODE:` for legacy series.
    ///   - reason: why they were skipped.
    ///   - actor: who records it.
    /// - Returns: the explanation recorded.
    /// - Throws: ``JournalError`` `.invalidSetting` for a malformed range or reason.
    public func explainNumbers(_ range: String, reason: String, actor: String) throws -> NumberExplanation {
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(reason.count) else {
            throw JournalError(
                code: .invalidSetting,
                message: "--reason must say in 1 to 200 characters why the numbers were skipped."
            )
        }
        let text = HalfWidth.normalise(range, upperCase: true)
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let code = parts.count == 2 ? parts[0] : ""
        let bounds = (parts.last ?? "").split(separator: "-").map(String.init)
        guard (1...2).contains(bounds.count), let first = bounds.first, let last = bounds.last,
            first.count == last.count, let low = NumberValue(first), let high = NumberValue(last), low <= high,
            code.isEmpty || NumberValue(code) != nil
        else {
            throw JournalError(
                code: .invalidSetting,
                message:
                    "RANGE must be FIRST-LAST (or one number), after CODE: for a legacy series, such as 011002600111:00000004-00000006, not \"\(range.prefix(50))\"."
            )
        }
        let explanation = NumberExplanation(code: code, first: first, last: last, reason: reason)
        let instant = environment.now()
        try write(.series) { db in
            try db.execute(
                sql: "INSERT INTO number_explanation (code, first, last, reason, at, by) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [code, first, last, reason, instant.description, actor]
            )
            var audit = try AuditAppender(db: db)
            try audit.append(
                db,
                wallTime: instant,
                node: settings.node,
                actor: actor,
                event: .configured,
                details: .object([
                    "numbersExplained": .string((code.isEmpty ? "" : "\(code):") + "\(first)-\(last)"),
                    "reason": .string(reason),
                ])
            )
        }
        return explanation
    }

    /// The number report of every series, and of numbers no series covers.
    ///
    /// - Parameter month: only numbers issued in this month (`YYYY-MM`).
    /// - Returns: one report per series, then one per uncovered type and code.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func numberReports(month: String? = nil) throws -> [NumberReport] {
        try read { db in try numberReports(db, month: month) }
    }

    func numberReports(_ db: Database, month: String?) throws -> [NumberReport] {
        // A cursor, so only the uses are held, not every row besides them.
        let branch = settings.node
        let uses = try Array(
            Row.fetchCursor(db, sql: "SELECT id, type, code, number, issue_date, voided, kind FROM invoice")
                .compactMap { row -> NumberReport.Use? in
                    guard let id = UUID(uuidText: row["id"]), let type = InvoiceType(rawValue: row["type"]),
                        let date = CalendarDate(parsing: row["issue_date"])
                    else { return nil }
                    return NumberReport.Use(
                        invoiceID: id,
                        type: type,
                        code: row["code"],
                        number: row["number"],
                        issueDate: date,
                        voided: (row["voided"] as Int64) != 0,
                        red: (row["kind"] as String) == InvoiceKind.red.rawValue,
                        branch: branch
                    )
                }
        )
        let explanations = try Row.fetchAll(db, sql: "SELECT code, first, last, reason FROM number_explanation").map {
            NumberExplanation(code: $0["code"], first: $0["first"], last: $0["last"], reason: $0["reason"])
        }
        return NumberReport.reports(series: try seriesRows(db), uses: uses, explanations: explanations, month: month)
    }
}
