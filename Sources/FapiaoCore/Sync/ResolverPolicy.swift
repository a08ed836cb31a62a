/// How a conflict is settled without a person, or that it needs one (DESIGN §5).
public enum ResolverPolicy: String, Hashable, Sendable, CaseIterable {
    /// A person chooses (`fapiao conflicts resolve`).
    case manual
    /// The centre's version is kept.
    case remoteWins = "remote-wins"
    /// The branch's version is kept.
    case localWins = "local-wins"
    /// Three-way merge per field; a field changed on both sides falls back to a person.
    case merge
}
