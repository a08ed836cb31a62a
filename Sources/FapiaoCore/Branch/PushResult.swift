/// What became of one pushed operation, as the journal records it.
public enum PushResult: Hashable, Sendable {
    /// The remote answered for it.
    case answered(PushOutcome)
    /// No answer for it; `mayHaveApplied` when the request reached the remote.
    case unanswered(reason: String, mayHaveApplied: Bool)
    /// No answer after too many attempts: quarantined, and re-sent with the same id on requeue.
    case gaveUp(reason: String)
}
