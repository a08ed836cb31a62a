import FapiaoCore
import FapiaoRemote
import FapiaoSQLiteFiles
import Foundation
import GRDB
import Schema
import Synchronization

extension SQLiteCentralStore {
    // MARK: Transactions

    /// Runs `body` in one `IMMEDIATE` write transaction, mapping storage errors to ``CentralStoreError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            let writer = try liveWriter()
            let lateWriter = writer is DatabaseQueue
            return try await writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    // Something of its own to fold in at the close (see `openLateWriter`).
                    if lateWriter { try db.setCheckpointOnClose(true) }
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
        let reader = try liveReader()
        do {
            return try await reader.read(body)
        } catch {
            throw Self.mapped(error, path: path)
        }
    }
}
