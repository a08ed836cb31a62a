import PostgresNIO

/// A call had its connection but no answer within the operation timeout.
struct OperationTimedOut: Error {
    var timeout: Duration
    var mayHaveApplied: Bool
}

/// No pooled connection came in time: nothing was sent.
struct LeaseTimedOut: Error {
    var timeout: Duration
}

/// The connection broke while `COMMIT` was on its way: the transaction may have committed.
struct CommitInDoubt: Error {
    var underlying: PSQLError
}
