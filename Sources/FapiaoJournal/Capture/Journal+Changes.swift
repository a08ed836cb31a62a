import FapiaoCore
import Foundation
import GRDB

/// What an amend or void wrote.
public struct ChangeReceipt: Hashable, Sendable {
    public var invoice: Invoice
    public var operationID: UUID
    public var clock: VectorClock
    /// Top-level fields whose value changed.
    public var changedFields: [String]
}

extension Journal {
    /// Amends an invoice: the given fields replace the current ones, the result is
    /// validated as a whole, and a new amend operation with the next clock is queued.
    ///
    /// - Parameters:
    ///   - reference: the invoice's id, id prefix or number.
    ///   - changes: the fields to change; an empty string clears an optional field;
    ///     lines, when given, replace all lines.
    ///   - options: actor and override.
    /// - Returns: the new version, its operation and clock, and the fields that changed.
    /// - Throws: ``ValidationFailure``, or ``JournalError`` (`.invalidChange` for a voided
    ///   invoice or a change that changes nothing).
    @discardableResult
    public func amend(_ reference: String, changes: InvoiceInput, options: CaptureOptions) throws -> ChangeReceipt {
        let current = try invoice(reference)
        guard !current.isVoided else {
            throw JournalError(
                code: .invalidChange,
                message:
                    "Invoice \(current.invoice.id.uuidText.prefix(8)) is voided; a voided invoice cannot be amended."
            )
        }
        var input = InvoiceInput(invoice: current.invoice)
        if let newID = changes.fields["id"], newID.uppercased() != current.invoice.id.uuidText {
            throw ValidationFailure(issues: [
                ValidationIssue(
                    field: "id",
                    rule: "immutable",
                    message: "cannot change in an amend (it is the invoice's identity)"
                )
            ])
        }
        input.fields.merge(changes.fields) { _, new in new }
        if !changes.lines.isEmpty { input.lines = changes.lines }
        input.problems = changes.problems
        let context = CaptureContext(
            id: current.invoice.id,
            capturedAt: current.invoice.capturedAt,
            branch: current.invoice.branch,
            acceptBadCheckCharacters: options.acceptBadCheckCharacters
        )
        let validated = try InvoiceValidator.validate(input, policy: settings.policy, context: context)
        let changed = Self.changedFields(from: current.invoice, to: validated.invoice)
        guard !changed.isEmpty else {
            throw JournalError(
                code: .invalidChange,
                message:
                    "The amend changes nothing on invoice \(current.invoice.id.uuidText.prefix(8)); give the fields to change."
            )
        }
        if let failure = try read({ db in try uniquenessFailure(db, validated.invoice, ignoring: current.invoice.id) })
        {
            throw failure
        }
        return try write(.amend) { db in
            if let failure = try uniquenessFailure(db, validated.invoice, ignoring: current.invoice.id) {
                throw failure
            }
            if let failure = try redFailure(db, validated.invoice) { throw failure }
            return try recordChange(
                db,
                validated.invoice,
                kind: .amend,
                event: .amended,
                options: options,
                details: ["changedFields": .array(changed.map(CanonicalJSON.string))]
            )
        }
    }

    /// Voids an invoice (作废): a new version carrying the reason, queued as a void operation.
    /// - Throws: ``JournalError`` `.invalidChange` when already voided, or when the profile's void rule
    ///   forbids it (a digital or red invoice, a past month, a closed period); ``ValidationFailure`` for an empty reason.
    @discardableResult
    public func void(_ reference: String, reason: String, options: CaptureOptions) throws -> ChangeReceipt {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw ValidationFailure(issues: [
                ValidationIssue(
                    field: "reason",
                    rule: "required",
                    message: "must say in 1 to 200 characters why the invoice is voided"
                )
            ])
        }
        let current = try invoice(reference)
        guard !current.isVoided else {
            throw JournalError(
                code: .invalidChange,
                message: "Invoice \(current.invoice.id.uuidText.prefix(8)) is already voided; nothing was changed."
            )
        }
        let instant = environment.now()
        if let refusal = OfflineRules.voidRefusal(
            current.invoice,
            profile: settings.profile,
            now: instant,
            closedPeriods: try closedPeriods()
        ) {
            throw JournalError(
                code: .invalidChange,
                message:
                    "Invoice \(current.invoice.id.uuidText.prefix(8)) (\(current.invoice.number)) cannot be voided: \(refusal)."
            )
        }
        var voided = current.invoice
        voided.void = VoidRecord(reason: trimmed, at: instant, by: options.actor)
        return try write(.void) { db in
            try recordChange(
                db,
                voided,
                kind: .void,
                event: .voided,
                options: options,
                details: ["reason": .string(trimmed)]
            )
        }
    }

    /// Writes a new version of an existing invoice with the next clock, its operation and audit entry.
    private func recordChange(
        _ db: Database,
        _ invoice: Invoice,
        kind: InvoiceOperation.Kind,
        event: AuditEvent,
        options: CaptureOptions,
        details: [String: CanonicalJSON]
    ) throws -> ChangeReceipt {
        // Read the clock inside the write transaction, so concurrent changes each get their own tick.
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT clock, content FROM invoice WHERE id = ?",
                arguments: [invoice.id.uuidText]
            ),
            let previousClock = VectorClock(parsing: row["clock"])
        else {
            throw JournalError(
                code: .invoiceNotFound,
                message: "Invoice \(invoice.id.uuidText.prefix(8)) disappeared; try again."
            )
        }
        let previous = try Invoice(storedText: row["content"] as String)
        guard previous.void == nil else {
            throw JournalError(
                code: .invalidChange,
                message: "Invoice \(invoice.id.uuidText.prefix(8)) is voided; it cannot change."
            )
        }
        let clock = previousClock.incremented(at: settings.node)
        let canonical = invoice.canonicalBytes
        let operation = InvoiceOperation(
            id: environment.newID(),
            kind: kind,
            clock: clock,
            invoice: invoice,
            canonicalPayload: canonical
        )
        let instant = environment.now()
        let now = instant.description
        let content = String(decoding: canonical, as: UTF8.self)
        try updateInvoiceRow(db, invoice, clock: clock, content: content, at: now)
        try insertOperation(db, operation, payload: content, at: now)
        // A change of a quarantined or conflicting invoice stays held behind that operation
        // until it is requeued or resolved; otherwise the invoice is pending again.
        try refreshSyncState(db, invoiceID: invoice.id, at: now)
        var audit = try AuditAppender(db: db)
        var allDetails = details
        allDetails["kind"] = .string(kind.rawValue)
        allDetails["operationHash"] = .string(operation.hash)
        try audit.append(
            db,
            wallTime: instant,
            node: settings.node,
            actor: options.actor,
            event: event,
            invoiceID: invoice.id,
            operationID: operation.id,
            clock: clock,
            details: .object(allDetails)
        )
        return ChangeReceipt(
            invoice: invoice,
            operationID: operation.id,
            clock: clock,
            changedFields: Self.changedFields(from: previous, to: invoice)
        )
    }

    static func changedFields(from old: Invoice, to new: Invoice) -> [String] {
        guard case .object(let before) = old.canonicalJSON, case .object(let after) = new.canonicalJSON else {
            return []
        }
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }

    /// Replaces the stored current version of an invoice (its columns, clock and content).
    ///
    /// The sync state is left to ``refreshSyncState(_:invoiceID:at:)``, which the caller runs
    /// once the operations are written.
    func updateInvoiceRow(
        _ db: Database,
        _ invoice: Invoice,
        clock: VectorClock,
        content: String,
        at now: String
    )
        throws
    {
        try db.execute(
            sql: """
                UPDATE invoice SET voided = ?, kind = ?, type = ?,
                    code = ?, number = ?, issue_date = ?, seller_tax_id = ?, seller_name = ?, buyer_tax_id = ?,
                    buyer_name = ?, currency = ?, net = ?, tax = ?, gross = ?, tax_rate_bp = ?, clock = ?,
                    content = ?, content_hash = ?, updated_at = ?, original_key = ?, original_id = ?
                WHERE id = ?
                """,
            arguments: [
                invoice.void == nil ? 0 : 1, invoice.kind.rawValue, invoice.type.rawValue, invoice.code ?? "",
                invoice.number, invoice.issueDate.description, invoice.seller.taxID, invoice.seller.name,
                invoice.buyer.taxID, invoice.buyer.name, invoice.currency, invoice.net.minorUnits,
                invoice.tax.minorUnits, invoice.gross.minorUnits, invoice.taxRate.basisPoints, clock.description,
                content, Digest.sha256Hex(Array(content.utf8)), now, invoice.originalKeyText,
                try originalID(db, invoice), invoice.id.uuidText,
            ]
        )
    }
}
