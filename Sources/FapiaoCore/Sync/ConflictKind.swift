import Foundation

/// Why the centre could not simply take a branch's version of an invoice.
public enum ConflictKind: String, Hashable, Sendable, CaseIterable {
    /// Both sides changed the invoice without seeing each other's change.
    case concurrentEdit
    /// Another invoice already owns the same (seller tax ID, code, number).
    case duplicateNumber
    /// The branch changed an invoice the centre had voided meanwhile.
    case editOfVoided
    /// Reconcile found the remote content different from the version the branch believes accepted.
    case contentDiffers
}
