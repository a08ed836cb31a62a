import FapiaoCore
import FapiaoRemote
import Foundation
import GRDB
import Schema
import Synchronization

extension SQLiteCentralStore {
    // MARK: Transactions

    func livePool() throws(CentralStoreError) -> DatabasePool {
        guard !closed.withLock({ $0 }) else {
            throw CentralStoreError(.unavailable, "The central store \(path) is closed.")
        }
        return pool
    }

    /// Runs `body` in one `IMMEDIATE` write transaction, mapping storage errors to ``CentralStoreError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pool = try livePool()
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { preconditionFailure("a committed transaction produced no result") }
                return result
            }
        } catch {
            throw Self.mapped(error, path: path)
        }
    }

    /// Runs `body` on a consistent read-only view, mapping storage errors to ``CentralStoreError``.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let pool = try livePool()
        do {
            return try await pool.read(body)
        } catch {
            throw Self.mapped(error, path: path)
        }
    }
}
