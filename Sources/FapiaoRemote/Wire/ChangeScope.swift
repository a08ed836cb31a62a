import FapiaoCore
import Foundation

/// Which of a branch's invoices a change feed lists.
public enum ChangeScope: String, Hashable, Sendable, CaseIterable {
    /// Changes made by another node (HQ, a resolution elsewhere): what a branch pulls.
    case elsewhere
    /// Every change, the branch's own included: the remote's whole record of the branch, for reconcile.
    case all
}
