import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `query`, failing at once when the server has already closed the connection.
    ///
    /// postgres-nio 1.33.2 writes a query to the channel without a promise: when the server
    /// closed the connection meanwhile (`pg_terminate_backend`, a restart) the write is dropped
    /// and the query is never answered. Asking first closes nearly all of that window; the
    /// store's operation deadline (``PostgresCentralStore``) covers what is left.
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        guard !isClosed else { throw ConnectionLost() }
        return try await self.query(query, logger: logger)
    }
}

/// The server had closed the connection before a statement could be sent: nothing more was
/// done on it, and an open transaction was rolled back by the server.
struct ConnectionLost: Error {}
