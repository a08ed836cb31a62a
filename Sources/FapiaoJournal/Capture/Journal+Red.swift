import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// The failure to report when a red invoice breaks a rule against its original
    /// (``RedInvoiceRules``), or `nil` for a normal invoice or one that keeps them.
    ///
    /// - Parameters:
    ///   - db: the journal's connection.
    ///   - invoice: the validated invoice.
    ///   - alsoPlanned: red invoices earlier in the same import file, not written yet.
    /// - Returns: the failure naming every broken rule, or `nil`.
    /// - Throws: ``JournalError`` when a stored invoice does not read back.
    func redFailure(_ db: Database, _ invoice: Invoice, alsoPlanned: [Invoice] = []) throws -> ValidationFailure? {
        guard let key = invoice.originalKey else { return nil }
        let original = try String.fetchOne(
            db.cachedStatement(sql: "SELECT content FROM invoice WHERE seller_tax_id = ? AND code = ? AND number = ?"),
            arguments: [key.sellerTaxID, key.code, key.number]
        ).map(Self.storedInvoice)
        let earlier = try String.fetchAll(
            db.cachedStatement(sql: "SELECT content FROM invoice WHERE original_key = ? AND id <> ?"),
            arguments: [invoice.originalKeyText, invoice.id.uuidText]
        ).map(Self.storedInvoice)
        let issues = RedInvoiceRules.issues(
            invoice,
            original: original,
            earlierReds: earlier + alsoPlanned.filter { $0.originalKey == key },
            reasons: settings.profile.red.reasons
        )
        return issues.isEmpty ? nil : ValidationFailure(issues: issues)
    }

    /// The id of the original a red invoice reverses, when this journal holds it.
    func originalID(_ db: Database, _ invoice: Invoice) throws -> String? {
        guard let key = invoice.originalKey else { return nil }
        return try String.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM invoice WHERE seller_tax_id = ? AND code = ? AND number = ?"),
            arguments: [key.sellerTaxID, key.code, key.number]
        )
    }

    static func storedInvoice(_ content: String) throws -> Invoice {
        do {
            return try Invoice(storedText: content)
        } catch {
            throw JournalError(
                code: .damaged,
                message: "An invoice row does not read back (\(error)); run `fapiao audit verify`."
            )
        }
    }
}
