import FapiaoCore
import Foundation

/// Which version a resolution keeps.
public enum ConflictChoice: String, Hashable, Sendable, CaseIterable {
    /// The branch's current version.
    case local
    /// The remote's version.
    case remote
    /// A merge of the two: the three-way merge, or a version a person wrote.
    case merged
}
