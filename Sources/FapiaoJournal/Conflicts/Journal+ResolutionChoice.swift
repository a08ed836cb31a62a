import FapiaoCore
import Foundation
import GRDB

extension Journal {
    /// The version a choice keeps, checked before anything is written.
    func chosenVersion(
        _ record: ConflictRecord,
        current: InvoiceRecord,
        choice: ConflictChoice,
        mergedInput: InvoiceInput?
    ) throws -> Invoice {
        let short = record.id.uuidText.prefix(8)
        switch choice {
        case .local:
            if record.kind == .duplicateNumber, let owner = record.remote,
                owner.invoice.numberKey == current.invoice.numberKey
            {
                throw JournalError(
                    code: .invalidChange,
                    message:
                        "Conflict \(short): \(current.invoice.numberKey) still belongs to invoice \(owner.invoice.id.uuidText.prefix(8)) at the remote; give this invoice its correct number with --take merged --json FILE."
                )
            }
            return current.invoice
        case .remote:
            guard let remote = record.remote, record.kind != .duplicateNumber else {
                throw JournalError(
                    code: .invalidChange,
                    message:
                        "Conflict \(short) is a duplicate number: the remote's version is another invoice, so it cannot replace this one; give this invoice its correct number with --take merged --json FILE, or void it after resolving."
                )
            }
            return remote.invoice
        case .merged:
            if let mergedInput { return try validatedResolution(mergedInput, current: current.invoice) }
            guard let remote = record.remote, record.kind != .duplicateNumber else {
                throw JournalError(
                    code: .invalidChange,
                    message:
                        "Conflict \(short) is a duplicate number, which is never merged automatically; give the version to keep with --json FILE."
                )
            }
            switch ThreeWayMerge.merge(
                local: current.invoice,
                remote: remote.invoice,
                ancestor: record.ancestor?.invoice,
                policy: settings.policy
            ) {
            case .merged(let merged):
                return merged
            case .needsPerson(let fields, let reason):
                throw JournalError(
                    code: .invalidChange,
                    message:
                        "Conflict \(short) cannot be merged automatically (\(reason); fields: \(fields.joined(separator: ", "))); write the version to keep and give it with --json FILE."
                )
            }
        }
    }

    /// Validates a version a person wrote to settle a conflict, as an amend of `current` would be.
    func validatedResolution(_ input: InvoiceInput, current: Invoice) throws -> Invoice {
        if let id = input.fields["id"], id.uppercased() != current.id.uuidText {
            throw ValidationFailure(issues: [
                ValidationIssue(
                    field: "id",
                    rule: "immutable",
                    message: "must be the conflicting invoice's id \(current.id.uuidText) (or left out)"
                )
            ])
        }
        var complete = input
        complete.fields["id"] = current.id.uuidText
        let context = CaptureContext(
            id: current.id,
            capturedAt: current.capturedAt,
            branch: current.branch,
            acceptBadCheckCharacters: false
        )
        return try InvoiceValidator.validate(complete, policy: settings.policy, context: context).invoice
    }
}
