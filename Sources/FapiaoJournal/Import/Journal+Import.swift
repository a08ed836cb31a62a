import FapiaoCore
import Foundation
import GRDB

/// The result of checking an import file against the rules and the journal.
public struct ImportPlan: Sendable {
    /// Records that can be captured, with their file line.
    public var valid: [(line: Int, invoice: ValidatedInvoice)]
    /// Records that cannot, with every reason.
    public var invalid: [(line: Int, failure: ValidationFailure)]

    public var total: Int { valid.count + invalid.count }
}

extension Journal {
    /// Validates every record and checks its number against the journal and the file.
    ///
    /// A number is checked against the journal and against the records before it in the
    /// same file. Writes nothing.
    /// - Parameters:
    ///   - rows: the file's records.
    ///   - options: actor, source and override, as for a capture.
    ///   - progress: called now and then with (records checked, total).
    /// - Returns: the valid records and the invalid ones with every reason.
    /// - Throws: ``JournalError`` when the journal cannot be read.
    public func planImport(
        _ rows: [ImportRow],
        options: CaptureOptions,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ImportPlan {
        var plan = ImportPlan(valid: [], invalid: [])
        var seenNumbers: [NumberKey: Int] = [:]
        var seenIDs: [UUID: Int] = [:]
        var plannedReds: [Invoice] = []
        try read { db in
            var ledger = try OfflineLedger(db: db, profile: settings.profile)
            let now = environment.now()
            let series = try seriesRows(db)
            for (index, row) in rows.enumerated() {
                if index % 1_000 == 0 { progress?(index, rows.count) }
                let validated: ValidatedInvoice
                do {
                    validated = try validate(try row.input.get(), options: options)
                } catch let failure as ValidationFailure {
                    plan.invalid.append((row.line, failure))
                    continue
                }
                let invoice = validated.invoice
                if let earlier = seenNumbers[invoice.numberKey] {
                    plan.invalid.append((row.line, Self.repeatedInFile("number", invoice.number, earlier)))
                    continue
                }
                if let earlier = seenIDs[invoice.id] {
                    plan.invalid.append((row.line, Self.repeatedInFile("id", invoice.id.uuidText, earlier)))
                    continue
                }
                if let failure = try uniquenessFailure(db, invoice) {
                    plan.invalid.append((row.line, failure))
                    continue
                }
                if let failure = try redFailure(db, invoice, alsoPlanned: plannedReds) {
                    plan.invalid.append((row.line, failure))
                    continue
                }
                if !options.acceptOutsideSeries, let issue = seriesIssue(series, invoice) {
                    plan.invalid.append((row.line, ValidationFailure(issues: [issue])))
                    continue
                }
                if invoice.kind == .red { plannedReds.append(invoice) }
                do {
                    _ = try ledger.admit(invoice, at: now)
                } catch let failure as ValidationFailure {
                    plan.invalid.append((row.line, failure))
                    continue
                }
                seenNumbers[invoice.numberKey] = row.line
                seenIDs[invoice.id] = row.line
                plan.valid.append((row.line, validated))
            }
        }
        progress?(rows.count, rows.count)
        return plan
    }

    /// Captures every valid record of `plan` in one transaction: all of them or, if
    /// anything fails (a crash, a full disk), none.
    ///
    /// - Returns: the number of invoices captured.
    @discardableResult
    public func commitImport(
        _ plan: ImportPlan,
        options: CaptureOptions,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Int {
        do {
            return try write(.importBatch) { db in
                var audit = try AuditAppender(db: db)
                var ledger = try OfflineLedger(db: db, profile: settings.profile)
                for (index, candidate) in plan.valid.enumerated() {
                    if index % 1_000 == 0 { progress?(index, plan.valid.count) }
                    _ = try insert(db, candidate.invoice, options: options, audit: &audit, ledger: &ledger)
                }
                progress?(plan.valid.count, plan.valid.count)
                return plan.valid.count
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // Another process captured one of the numbers between planning and committing.
            throw JournalError(
                code: .invalidChange,
                message: "An invoice number in the file was captured by another process while the file was checked; "
                    + "nothing was imported. Run the import again to see which.",
                cause: error
            )
        }
    }

    private static func repeatedInFile(_ field: String, _ value: String, _ earlier: Int) -> ValidationFailure {
        ValidationFailure(issues: [
            ValidationIssue(
                field: field,
                rule: "unique",
                message: "\(value) already appears in this file at line \(earlier)"
            )
        ])
    }
}
