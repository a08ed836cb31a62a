import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// Validates and records one invoice: the invoice row, its create operation in the
    /// outbox and its audit entry, in one durable transaction.
    ///
    /// - Parameters:
    ///   - input: the invoice as typed or read from JSON.
    ///   - options: actor, source and override.
    /// - Returns: the receipt; once returned, the invoice survives a crash.
    /// - Throws: ``ValidationFailure`` when the invoice breaks a rule (nothing is written),
    ///   ``JournalError`` when storage fails (nothing is written).
    @discardableResult
    public func capture(_ input: InvoiceInput, options: CaptureOptions) throws -> CaptureReceipt {
        let validated = try validate(input, options: options)
        // Checked on a read first while the writer is not open yet, so a refused number never
        // opens it (see ``Journal``), and always inside the write transaction, in case another
        // process got there first.
        if !isWriterOpen {
            try read { db in try admissionCheck(db, validated, options: options) }
        }
        return try write(.capture) { db in
            if let failure = try uniquenessFailure(db, validated.invoice) { throw failure }
            if let failure = try redFailure(db, validated.invoice) { throw failure }
            if let failure = try seriesFailure(db, validated.invoice, options: options) { throw failure }
            var audit = try AuditAppender(db: db)
            var ledger = try OfflineLedger(db: db, profile: settings.profile)
            var receipt = try insert(db, validated, options: options, audit: &audit, ledger: &ledger)
            receipt.outage = ledger.outage
            return receipt
        }
    }

    /// Checks `input` as ``capture(_:options:)`` would, every rule and the journal's own
    /// (a unique number, the red invoice's original, the number series, the offline limits),
    /// and writes nothing: what a clerk is shown before confirming a capture.
    ///
    /// - Returns: the invoice as it would be captured (its id and capture instant are minted
    ///   again when it is captured).
    /// - Throws: ``ValidationFailure`` naming each rule broken, ``JournalError`` when reading fails.
    public func check(_ input: InvoiceInput, options: CaptureOptions) throws -> ValidatedInvoice {
        let validated = try validate(input, options: options)
        try read { db in try admissionCheck(db, validated, options: options) }
        return validated
    }

    /// The journal's rules for a new capture, on a read: the number, the original, the series, the limits.
    private func admissionCheck(_ db: Database, _ validated: ValidatedInvoice, options: CaptureOptions) throws {
        if let failure = try uniquenessFailure(db, validated.invoice) { throw failure }
        if let failure = try redFailure(db, validated.invoice) { throw failure }
        if let failure = try seriesFailure(db, validated.invoice, options: options) { throw failure }
        var ledger = try OfflineLedger(db: db, profile: settings.profile)
        _ = try ledger.admit(validated.invoice, at: environment.now())
    }

    /// Validates `input` as a new capture at the current instant, without writing anything.
    public func validate(_ input: InvoiceInput, options: CaptureOptions) throws(ValidationFailure) -> ValidatedInvoice {
        let context = CaptureContext(
            id: environment.newID(),
            capturedAt: environment.now(),
            branch: settings.node,
            operatorName: settings.operatorName,
            acceptBadCheckCharacters: options.acceptBadCheckCharacters
        )
        let validated = try InvoiceValidator.validate(input, policy: settings.policy, context: context)
        let reasonGiven = !(options.overrideReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        if options.acceptOutsideSeries, !reasonGiven {
            throw ValidationFailure(issues: [
                ValidationIssue(
                    field: "overrideReason",
                    rule: "required",
                    message: "must say why a number outside the branch's series is accepted"
                )
            ])
        }
        if !validated.overrides.isEmpty, !reasonGiven {
            throw ValidationFailure(issues: [
                ValidationIssue(
                    field: "overrideReason",
                    rule: "required",
                    message: "must say why the check-character failure of "
                        + validated.overrides.map(\.field).joined(separator: " and ") + " is accepted"
                )
            ])
        }
        return validated
    }

    /// The failure to report when the invoice's id or number is already in the journal.
    func uniquenessFailure(_ db: Database, _ invoice: Invoice, ignoring ownID: UUID? = nil) throws -> ValidationFailure?
    {
        if ownID == nil,
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM invoice WHERE id = ?"),
                arguments: [invoice.id.uuidText]
            ) == true
        {
            return ValidationFailure(issues: [
                ValidationIssue(
                    field: "id",
                    rule: "unique",
                    message: "\(invoice.id.uuidText) is already in the journal; it was captured before"
                )
            ])
        }
        let key = invoice.numberKey
        let statement = try db.cachedStatement(
            sql: "SELECT id FROM invoice WHERE seller_tax_id = ? AND code = ? AND number = ?"
        )
        if let existing = try String.fetchOne(statement, arguments: [key.sellerTaxID, key.code, key.number]),
            existing != ownID?.uuidText
        {
            return ValidationFailure(issues: [Self.duplicateNumberIssue(key, existing: existing)])
        }
        // A profile may make the number unique on fewer fields (a 20-digit 数电票 number is
        // unique nationwide, whatever the seller).
        let fields = Set(settings.profile.numberKeyFields)
        if !fields.isSuperset(of: ["sellerTaxID", "code"]) {
            var sql = "SELECT id FROM invoice WHERE number = ?"
            // Optional elements, so GRDB takes them as they are typed (a `[any
            // DatabaseValueConvertible]` would go to its `[Any]` form, which casts each one).
            var arguments: [(any DatabaseValueConvertible)?] = [key.number]
            if fields.contains("sellerTaxID") {
                sql += " AND seller_tax_id = ?"
                arguments.append(key.sellerTaxID)
            }
            if fields.contains("code") {
                sql += " AND code = ?"
                arguments.append(key.code)
            }
            let rows = try String.fetchAll(
                db.cachedStatement(sql: sql + " LIMIT 2"),
                arguments: StatementArguments(arguments)
            )
            if let existing = rows.first(where: { $0 != ownID?.uuidText }) {
                return ValidationFailure(issues: [
                    ValidationIssue(
                        field: "number",
                        rule: "unique",
                        message: "\(key.number) is already in the journal (invoice \(existing.prefix(8))); under the "
                            + "\(settings.profile.name) profile a number is unique by "
                            + settings.profile.numberKeyFields.joined(separator: " and ")
                    )
                ])
            }
        }
        return nil
    }

    static func duplicateNumberIssue(_ key: NumberKey, existing: String) -> ValidationIssue {
        ValidationIssue(
            field: "number",
            rule: "unique",
            message: "\(key.number) is already in the journal for seller \(key.sellerTaxID)"
                + (key.code.isEmpty ? "" : " with code \(key.code)") + " (invoice \(existing.prefix(8)))"
        )
    }

    /// Writes the invoice row, its create operation and its audit entry.
    func insert(
        _ db: Database,
        _ validated: ValidatedInvoice,
        options: CaptureOptions,
        audit: inout AuditAppender,
        ledger: inout OfflineLedger
    ) throws -> CaptureReceipt {
        let invoice = validated.invoice
        let warnings = try ledger.admit(invoice, at: environment.now())
        let clock = VectorClock().incremented(at: settings.node)
        let canonical = invoice.canonicalBytes
        let operation = InvoiceOperation(
            id: environment.newID(),
            kind: .create,
            clock: clock,
            invoice: invoice,
            canonicalPayload: canonical
        )
        let instant = environment.now()
        let now = instant.description
        let content = String(decoding: canonical, as: UTF8.self)
        try db.cachedStatement(
            sql: """
                INSERT INTO invoice (id, kind, type, code, number, issue_date, seller_tax_id, seller_name,
                    buyer_tax_id, buyer_name, currency, net, tax, gross, tax_rate_bp, clock, content,
                    content_hash, captured_at, updated_at, outage_id, original_key, original_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            invoice.id.uuidText, invoice.kind.rawValue, invoice.type.rawValue, invoice.code ?? "", invoice.number,
            invoice.issueDate.description, invoice.seller.taxID, invoice.seller.name, invoice.buyer.taxID,
            invoice.buyer.name, invoice.currency, invoice.net.minorUnits, invoice.tax.minorUnits,
            invoice.gross.minorUnits, invoice.taxRate.basisPoints, clock.description, content,
            Digest.sha256Hex(canonical), invoice.capturedAt.description, now, ledger.outageID,
            invoice.originalKeyText, try originalID(db, invoice),
        ])
        try insertOperation(db, operation, payload: content, at: now)
        var details: [String: CanonicalJSON] = [
            "kind": .string(InvoiceOperation.Kind.create.rawValue),
            "number": .string(invoice.number),
            "type": .string(invoice.type.rawValue),
            "source": .string(options.source),
            "operationHash": .string(operation.hash),
        ]
        if !validated.overrides.isEmpty {
            details["overrides"] = .array(
                validated.overrides.map { .object(["field": .string($0.field), "rule": .string($0.rule)]) }
            )
            details["overrideReason"] = .optional(options.overrideReason)
        }
        if options.acceptOutsideSeries, seriesIssue(try seriesRows(db), invoice) != nil {
            details["outsideSeries"] = .bool(true)
            details["overrideReason"] = .optional(options.overrideReason)
        }
        if !validated.normalised.isEmpty {
            // What the clerk typed, before full-width forms were made half-width.
            details["typed"] = .object(validated.normalised.mapValues(CanonicalJSON.string))
        }
        if let outageID = ledger.outageID { details["outage"] = .integer(outageID) }
        let entry = try audit.append(
            db,
            wallTime: instant,
            node: settings.node,
            actor: options.actor,
            event: .captured,
            invoiceID: invoice.id,
            operationID: operation.id,
            clock: clock,
            details: .object(details)
        )
        return CaptureReceipt(
            invoice: invoice,
            operationID: operation.id,
            clock: clock,
            auditSequence: entry.sequence,
            warnings: warnings
        )
    }

    func insertOperation(_ db: Database, _ operation: InvoiceOperation, payload: String, at now: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO operation (id, invoice_id, kind, clock, payload, hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            operation.id.uuidText, operation.invoiceID.uuidText, operation.kind.rawValue,
            operation.clock.description, payload, operation.hash, now, now,
        ])
    }
}
