import FapiaoCore
import FapiaoRemote
import Foundation

/// A ``RemoteAdapter`` straight onto a ``CentralStore``, with no HTTP in between.
///
/// A branch writing directly into a central PostgreSQL uses it, and so do tests and the
/// demo with an SQLite or in-memory store. Store failures become ``RemoteError``s: an
/// unavailable store is `busy` (nothing was applied, try later), an unreachable database
/// server `unreachable`, refused credentials `authenticationRefused`; any other failure of a
/// push is `inDoubt`, since the adapter cannot tell whether the store's transaction committed.
public struct StoreRemote: RemoteAdapter {
    public let endpoint: String
    /// The store the adapter writes to.
    public let store: any CentralStore

    /// Creates an adapter onto `store`.
    ///
    /// - Parameters:
    ///   - store: the central store.
    ///   - endpoint: where the store is, for messages: `sqlite:/srv/central.sqlite`,
    ///     `postgres://central.example.cn/fapiao`.
    public init(store: any CentralStore, endpoint: String) {
        self.store = store
        self.endpoint = endpoint
    }

    public func health() async throws -> HealthReport {
        let count = try await forward(mayHaveApplied: false) { try await store.invoiceCount() }
        return HealthReport(status: "ok", node: store.node, store: store.kind, invoices: count)
    }

    /// Reads each operation's invoice and pushes those read into the store; one whose invoice
    /// cannot be read is answered `rejected` without reaching it, as the central service answers
    /// an unreadable item of a push.
    public func push(_ operations: [StoredOperation], branch: String) async throws -> [OperationOutcome] {
        var readable: [InvoiceOperation] = []
        readable.reserveCapacity(operations.count)
        var unreadable: [Int: OperationOutcome] = [:]
        for (index, operation) in operations.enumerated() {
            do {
                readable.append(try operation.decoded())
            } catch {
                unreadable[index] = OperationOutcome(
                    operationID: operation.id,
                    outcome: .rejected(reason: error.description)
                )
            }
        }
        guard !unreadable.isEmpty else { return try await push(readable, branch: branch) }
        var stored = try await push(readable, branch: branch).makeIterator()
        var outcomes: [OperationOutcome] = []
        for index in operations.indices {
            if let refused = unreadable[index] {
                outcomes.append(refused)
            } else if let outcome = stored.next() {
                outcomes.append(outcome)
            } else {
                // The store answered part of the batch: the rest goes again later.
                break
            }
        }
        return outcomes
    }

    /// Pushes operations whose invoices are at hand, with no reading back.
    public func push(_ operations: [InvoiceOperation], branch: String) async throws -> [OperationOutcome] {
        try await forward(mayHaveApplied: true) { try await store.push(operations, from: branch) }
    }

    public func lookup(_ ids: [UUID]) async throws -> InvoiceLookup {
        try await forward(mayHaveApplied: false) { try await store.lookup(ids) }
    }

    public func changes(
        branch: String,
        since cursor: Int64,
        limit: Int,
        scope: ChangeScope
    ) async throws -> ChangePage {
        try await forward(mayHaveApplied: false) {
            try await store.changes(branch: branch, since: cursor, limit: limit, scope: scope)
        }
    }

    public func anchorState(branch: String) async throws -> AnchorState {
        try await forward(mayHaveApplied: false) { try await store.anchorState(branch: branch) }
    }

    public func anchor(_ shipment: AuditShipment, branch: String) async throws -> AnchorState {
        // The same bound the central service's wire puts on a shipment, so that a branch
        // syncing straight into a store keeps the contract it keeps over HTTP.
        guard shipment.entries.count <= AuditAnchoring.maximumEntriesPerShipment else {
            throw RemoteError(
                .protocolViolation,
                "The audit shipment holds \(shipment.entries.count) entries; at most "
                    + "\(AuditAnchoring.maximumEntriesPerShipment) a request."
            )
        }
        return try await forward(mayHaveApplied: true) { try await store.anchor(shipment, from: branch) }
    }

    /// The SQLite and PostgreSQL stores serve several requests at once, as in the central service.
    public var takesConcurrentRequests: Bool { store.kind == "sqlite" || store.kind == "postgres" }

    public func shutdown() async {
        try? await store.close()
    }

    /// Runs `body`, classifying its failure.
    ///
    /// - Parameters:
    ///   - mayHaveApplied: whether `body` writes, so that a failure leaves its effect unknown.
    ///   - body: the store call.
    /// - Returns: what `body` returned.
    /// - Throws: ``RemoteError``: `busy` when the store is unavailable, else `inDoubt` for a
    ///   call that writes and `unreachable` for one that only reads.
    private func forward<T>(mayHaveApplied: Bool, _ body: () async throws -> T) async throws(RemoteError) -> T {
        do {
            return try await body()
        } catch let error as RemoteError {
            throw error
        } catch let error as CentralStoreError where [.unavailable, .busy, .ioError].contains(error.code) {
            throw RemoteError(.busy, "\(endpoint): \(error.message)")
        } catch let error as CentralStoreError where error.code == .unreachable {
            throw RemoteError(.unreachable, "\(endpoint): \(error.message)")
        } catch let error as CentralStoreError where error.code == .chainBroken {
            throw RemoteError(.chainBreak, error.message)
        } catch let error as CentralStoreError where error.code == .authenticationRefused {
            throw RemoteError(.authenticationRefused, "\(endpoint): \(error.message)")
        } catch {
            let reason = (error as? CentralStoreError)?.message ?? String(describing: error)
            if mayHaveApplied {
                throw RemoteError(.inDoubt, "\(endpoint): the push may or may not have been applied: \(reason)")
            }
            throw RemoteError(.unreachable, "\(endpoint): \(reason)")
        }
    }
}
