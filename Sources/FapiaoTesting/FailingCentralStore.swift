import FapiaoCentralStore
import FapiaoCore
import FapiaoRemote
import Foundation

/// A central store whose every call fails with `error`: to see how the service and the
/// adapters answer a store that is unavailable, unreachable or broken.
public struct FailingCentralStore: CentralStore {
    public let error: any Error & Sendable
    public var node: String { "central" }
    public var kind: String { "failing" }

    public init(_ error: any Error & Sendable) { self.error = error }

    public func push(_ operations: [InvoiceOperation], from branch: String) async throws -> [OperationOutcome] {
        throw error
    }
    public func lookup(_ ids: [UUID]) async throws -> InvoiceLookup { throw error }
    public func changes(
        branch: String,
        since cursor: Int64,
        limit: Int,
        scope: ChangeScope
    ) async throws -> ChangePage { throw error }
    public func edit(_ invoiceID: UUID, _ edit: CentralEdit) async throws -> RemoteVersion { throw error }
    public func invoiceCount() async throws -> Int64 { throw error }
    public func numberUses() async throws -> [NumberReport.Use] { throw error }
    public func anchorState(branch: String) async throws -> AnchorState { throw error }
    public func anchor(_ shipment: AuditShipment, from branch: String) async throws -> AnchorState { throw error }
    public func acknowledgeBreak(branch: String, actor: String, reason: String) async throws -> ChainBreak {
        throw error
    }
    public func anchoredEntries(branch: String, epoch: Int64?) async throws -> [AuditEntry] { throw error }
    public func branchOverviews() async throws -> [BranchOverview] { throw error }
    public func searchInvoices(_ text: String, limit: Int) async throws -> [RemoteVersion] { throw error }
    public func invoiceHistory(_ id: UUID) async throws -> CentralInvoiceHistory { throw error }
    public func branchDetail(_ branch: String, limit: Int) async throws -> BranchDetail { throw error }
    public func close() async throws {}
}
