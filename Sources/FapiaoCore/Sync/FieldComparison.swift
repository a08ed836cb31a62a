import Foundation

/// One leaf field of an invoice in a three-way comparison.
public struct FieldComparison: Hashable, Sendable {
    /// Dotted path of the leaf in the canonical form, such as `note`, `buyer.name` or `lines`.
    ///
    /// Arrays are leaves, and the whole void record is one leaf (`void`).
    public var path: String
    /// The common ancestor's value; `nil` when absent there.
    public var ancestor: CanonicalJSON?
    /// The branch's value; `nil` when absent.
    public var local: CanonicalJSON?
    /// The centre's value; `nil` when absent.
    public var remote: CanonicalJSON?
    /// Whether there is a common ancestor at all.
    ///
    /// Without one, every field where the two sides differ counts as changed on both.
    public var hasAncestor: Bool

    /// Creates a comparison of one leaf.
    public init(
        path: String,
        ancestor: CanonicalJSON?,
        local: CanonicalJSON?,
        remote: CanonicalJSON?,
        hasAncestor: Bool = true
    ) {
        self.path = path
        self.ancestor = ancestor
        self.local = local
        self.remote = remote
        self.hasAncestor = hasAncestor
    }

    /// Whether the branch changed the field since the ancestor.
    public var changedLocally: Bool { hasAncestor ? local != ancestor : local != remote }

    /// Whether the centre changed the field since the ancestor.
    public var changedRemotely: Bool { hasAncestor ? remote != ancestor : local != remote }

    /// Whether both sides changed the field, to different values.
    public var conflicts: Bool { changedLocally && changedRemotely && local != remote }

    /// The value a merge keeps: the side that changed it, or the common value.
    var mergedValue: CanonicalJSON? { changedLocally ? local : remote }
}
