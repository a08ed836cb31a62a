import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation
import Logging
import PostgresNIO
import Synchronization

extension PostgresCentralStore {
    // MARK: Transactions

    func checkOpen() throws(CentralStoreError) {
        guard !closed.withLock({ $0 }) else {
            throw CentralStoreError(.unavailable, "The central store \(location) is closed.")
        }
    }

    /// Runs `body` in one transaction on a pooled connection, committing when it returns.
    ///
    /// A deadlock, a serialization failure or a unique violation rolls the transaction back and
    /// runs it again (at most five times); after a unique violation `body` is told to write row
    /// by row. Failures become ``CentralStoreError``s; a connection lost during `COMMIT` is `.inDoubt`.
    func transaction<T: Sendable>(
        _ action: String,
        _ body: @escaping @Sendable (PostgresConnection, Logger, _ rowByRow: Bool) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        var rowByRow = false
        var attempt = 0
        while true {
            attempt += 1
            do {
                let rowByRowNow = rowByRow
                return try await leased(writes: true) { connection in
                    try await Self.inTransaction(on: connection, logger: logger) { connection in
                        try await body(connection, logger, rowByRowNow)
                    }
                }
            } catch let error as PSQLError where attempt < 5 && PostgresErrors.isRetryable(error) {
                if PostgresErrors.sqlState(error) == PostgresErrors.uniqueViolation { rowByRow = true }
                logger.debug("retrying transaction", metadata: ["action": "\(action)", "attempt": "\(attempt)"])
            } catch {
                throw PostgresErrors.mapped(error, action: action, location: location)
            }
        }
    }

    /// Runs a read-only `body` on a pooled connection.
    func read<T: Sendable>(
        _ action: String,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let logger = self.logger
        do {
            return try await leased(writes: false) { connection in try await body(connection, logger) }
        } catch {
            throw PostgresErrors.mapped(error, action: action, location: location)
        }
    }

    /// Runs `body` on a connection from the pool, giving up when none comes within the lease timeout.
    ///
    /// No connection means the server is down or unreachable; the pool keeps retrying in the
    /// background. Once `body` has its connection it may run for the operation timeout: a call
    /// still unanswered then is abandoned (see ``PostgresConnection/run(_:logger:)``) and
    /// reported as in doubt when it writes.
    func leased<T: Sendable>(
        writes: Bool,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let client = self.client
        let leaseTimeout = self.leaseTimeout
        let operationTimeout = self.operationTimeout
        let started = LeaseFlag()
        let work = Task {
            try await client.withConnection { connection in
                started.set()
                return try await body(connection)
            }
        }
        let outcome = FirstOutcome<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.install(continuation)
                let timer = Task {
                    do { try await Task.sleep(for: leaseTimeout) } catch { return }
                    guard started.isSet else {
                        work.cancel()
                        outcome.finish(.failure(LeaseTimedOut(timeout: leaseTimeout)))
                        return
                    }
                    do { try await Task.sleep(for: operationTimeout) } catch { return }
                    outcome.finish(.failure(OperationTimedOut(timeout: operationTimeout, mayHaveApplied: writes)))
                }
                Task {
                    let result = await work.result
                    timer.cancel()
                    outcome.finish(result)
                }
            }
        } onCancel: {
            work.cancel()
        }
    }

    /// Runs `body` between `BEGIN` and `COMMIT` on `connection`, rolling back when it throws.
    static func inTransaction<T>(
        on connection: PostgresConnection,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.run("BEGIN", logger: logger)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            _ = try? await connection.run("ROLLBACK", logger: logger)
            throw error
        }
        do {
            try await connection.run("COMMIT", logger: logger)
        } catch let error as PSQLError where PostgresErrors.leavesCommitInDoubt(error) {
            throw CommitInDoubt(underlying: error)
        }
        return result
    }
}
