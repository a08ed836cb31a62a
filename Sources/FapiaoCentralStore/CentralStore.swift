import FapiaoCore
import FapiaoRemote
import Foundation

/// The central record of every branch's invoices (DESIGN §7).
///
/// Every implementation applies ``CentralRules`` to each pushed operation, in order, and
/// applies a whole batch in one transaction. Operation ids are kept with their hashes
/// forever, so a replay after a lost reply is recognised as a duplicate however late it comes.
public protocol CentralStore: Sendable {
    /// The centre's node id in vector clocks (`central`).
    var node: String { get }
    /// `sqlite`, `postgres` or `memory`.
    var kind: String { get }

    /// Applies `operations` pushed by `branch`, in order, in one transaction.
    func push(_ operations: [InvoiceOperation], from branch: String) async throws -> [OperationOutcome]

    /// The current versions of the given invoices.
    func lookup(_ ids: [UUID]) async throws -> InvoiceLookup

    /// Invoices of `branch` changed after change number `cursor`, oldest first: those changed
    /// by another node (`.elsewhere`), or every one the store holds (`.all`).
    func changes(branch: String, since cursor: Int64, limit: Int, scope: ChangeScope) async throws -> ChangePage

    /// A change made at the centre itself (HQ amends or voids an invoice): the centre's
    /// clock entry ticks, so the change reaches the branch on its next pull.
    func edit(_ invoiceID: UUID, _ edit: CentralEdit) async throws -> RemoteVersion

    /// Every invoice's number, type, issue date, state and branch: HQ's number report across
    /// branches (`fapiao-central numbers`).
    func numberUses() async throws -> [NumberReport.Use]

    /// Where `branch`'s audit chain stands at the centre.
    func anchorState(branch: String) async throws -> AnchorState

    /// Anchors a shipment of `branch`'s audit entries and keeps its report, deciding by
    /// ``AuditAnchoring/decide(_:from:state:anchoredHashes:now:)``: entries that continue the anchored chain
    /// are appended; anything else is recorded as a chain break (and the report still kept).
    ///
    /// - Returns: the chain's state afterwards; ``AnchorState/unacknowledgedBreak`` when broken.
    func anchor(_ shipment: AuditShipment, from branch: String) async throws -> AnchorState

    /// HQ acknowledges `branch`'s chain break: it is marked with who and why, and the branch's
    /// next chain (a new epoch) starts from its first entry. The old chain stays.
    ///
    /// - Throws: ``CentralStoreError`` `.notFound` when the branch has no unacknowledged break.
    func acknowledgeBreak(branch: String, actor: String, reason: String) async throws -> ChainBreak

    /// The entries of `branch`'s chain the centre holds, in sequence order: of the current
    /// epoch, or of the given one.
    func anchoredEntries(branch: String, epoch: Int64?) async throws -> [AuditEntry]

    /// Every branch the centre has heard from, by name: HQ's view (`fapiao-central branches`).
    func branchOverviews() async throws -> [BranchOverview]

    /// Invoices whose number, branch or seller tax ID is `text`, or whose number, seller or buyer
    /// contains it, most recently changed first, at most `limit` (HQ's console search).
    func searchInvoices(_ text: String, limit: Int) async throws -> [RemoteVersion]

    /// One invoice's whole history: its current version, the operations the centre applied (with
    /// their clocks) and the anchored audit entries of every branch that name it.
    func invoiceHistory(_ id: UUID) async throws -> CentralInvoiceHistory

    /// A branch's latest rejections and the outbox sizes it reported, newest first, at most `limit` each.
    func branchDetail(_ branch: String, limit: Int) async throws -> BranchDetail

    /// How many invoices the centre holds.
    func invoiceCount() async throws -> Int64

    /// Closes the store's connections.
    func close() async throws
}

extension CentralStore {
    /// The entries of `branch`'s current chain.
    public func anchoredEntries(branch: String) async throws -> [AuditEntry] {
        try await anchoredEntries(branch: branch, epoch: nil)
    }

    /// Invoices of `branch` changed by another node after change number `cursor`, oldest first.
    public func changes(branch: String, since cursor: Int64, limit: Int) async throws -> ChangePage {
        try await changes(branch: branch, since: cursor, limit: limit, scope: .elsewhere)
    }
}
