import FapiaoCore
import Foundation

/// Something a branch can sync with: the central service over HTTP, a central store
/// written to directly, or an in-memory store in unit tests.
///
/// Implementations report failures as ``RemoteError`` so the engine can tell a request
/// that never left (retry freely) from one whose fate is unknown (retry with the same
/// operation ids, never mark failed).
public protocol RemoteAdapter: Sendable {
    /// Where the remote is, for messages: `http://127.0.0.1:8080`, `sqlite:/srv/central.sqlite`.
    var endpoint: String { get }

    /// Whether the remote can take pushes now.
    func health() async throws -> HealthReport

    /// Pushes operations in order; one outcome per operation, in the same order. A remote
    /// may answer fewer (a partial batch); the rest are retried later.
    ///
    /// The operations come as stored, their invoices as canonical bytes: a remote that sends
    /// them on sends those bytes, and one that needs the invoices reads them (an operation
    /// whose invoice cannot be read is answered `rejected`, as the central service answers it).
    func push(_ operations: [StoredOperation], branch: String) async throws -> [OperationOutcome]

    /// The remote's current versions of the given invoices.
    func lookup(_ ids: [UUID]) async throws -> InvoiceLookup

    /// The branch's invoices changed at the remote since `cursor`, oldest first: those changed
    /// by another node (`.elsewhere`), or every one the remote holds (`.all`).
    func changes(branch: String, since cursor: Int64, limit: Int, scope: ChangeScope) async throws -> ChangePage

    /// Where the branch's audit chain stands at the remote (DESIGN §6, anchored at the centre).
    ///
    /// - Throws: ``RemoteError`` `.unsupported` from a remote that does not anchor audit.
    func anchorState(branch: String) async throws -> AnchorState

    /// Ships audit entries to be anchored, with the branch's report; the remote records a chain
    /// break when they do not continue what it holds.
    ///
    /// - Returns: the chain's state at the remote afterwards.
    func anchor(_ shipment: AuditShipment, branch: String) async throws -> AnchorState

    /// Releases connections. Calls after this fail.
    func shutdown() async

    /// Whether the remote takes a second request while one is in flight (an HTTP connection
    /// pool, a store): the sync then anchors its audit while it pushes. A remote spoken to
    /// over one channel (a site's program) takes one request at a time.
    var takesConcurrentRequests: Bool { get }
}

extension RemoteAdapter {
    public var takesConcurrentRequests: Bool { false }

    /// Pushes operations made in this process (their stored form).
    public func push(_ operations: [InvoiceOperation], branch: String) async throws -> [OperationOutcome] {
        try await push(operations.map(\.stored), branch: branch)
    }

    /// The branch's invoices changed at the remote by another node since `cursor`: what a branch pulls.
    public func changes(branch: String, since cursor: Int64, limit: Int) async throws -> ChangePage {
        try await changes(branch: branch, since: cursor, limit: limit, scope: .elsewhere)
    }
}
