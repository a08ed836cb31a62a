import FapiaoCore
import FapiaoRemote
import Foundation

/// A change HQ makes to an invoice at the centre.
public struct CentralEdit: Hashable, Sendable {
    public enum Change: Hashable, Sendable {
        /// Replaces the named fields (wire names: `buyer.name`, `note`, `net`, …).
        case amend([String: String])
        case void(reason: String)
    }

    public var change: Change
    /// Who made it, recorded in the void record or the operator field.
    public var actor: String
    public var at: UTCTimestamp
    /// The new operation's id.
    public var operationID: UUID

    public init(_ change: Change, actor: String, at: UTCTimestamp, operationID: UUID = UUID()) {
        self.change = change
        self.actor = actor
        self.at = at
        self.operationID = operationID
    }
}

extension CentralEdit {
    /// The operation this edit makes on `current`, with the centre's clock entry ticked.
    ///
    /// - Throws: ``CentralStoreError`` `.invalidEdit` when the result breaks an invoice rule
    ///   or the invoice is already voided.
    public func operation(
        on current: RemoteVersion,
        node: String,
        policy: CentralPolicy
    ) throws(CentralStoreError)
        -> InvoiceOperation
    {
        let invoice = current.invoice
        guard invoice.void == nil else {
            throw CentralStoreError(.invalidEdit, "invoice \(invoice.id.uuidText) is voided; it cannot be changed")
        }
        let clock = current.clock.incremented(at: node)
        switch change {
        case .void(let reason):
            let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw CentralStoreError(.invalidEdit, "reason must not be empty when voiding an invoice")
            }
            var voided = invoice
            voided.void = VoidRecord(reason: trimmed, at: at, by: actor)
            return InvoiceOperation(id: operationID, kind: .void, clock: clock, invoice: voided)
        case .amend(let fields):
            var input = InvoiceInput(invoice: invoice)
            for (key, value) in fields {
                if InvoiceInput.systemFields.contains(key) || key == "id" {
                    throw CentralStoreError(.invalidEdit, "\(key) cannot be amended")
                }
                // The validator reads only the fields it knows: another name would be dropped
                // silently, and the clock ticked for a change that changes nothing.
                guard InvoiceInput.headerFields.contains(key) else {
                    throw CentralStoreError(
                        .invalidEdit,
                        "\(CanonicalJSON.string(key).text) is not an invoice field (check the spelling; fields are "
                            + InvoiceInput.headerFields.filter { $0 != "id" }.joined(separator: ", ") + ")"
                    )
                }
                input.fields[key] = value
            }
            let context = CaptureContext(
                id: invoice.id,
                capturedAt: invoice.capturedAt,
                branch: invoice.branch,
                operatorName: invoice.operatorName
            )
            let amended: Invoice
            do {
                amended = try InvoiceValidator.validate(input, policy: policy.validation, context: context).invoice
            } catch {
                throw CentralStoreError(.invalidEdit, error.description)
            }
            return InvoiceOperation(id: operationID, kind: .amend, clock: clock, invoice: amended)
        }
    }
}
