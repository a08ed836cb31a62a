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

    /// How many invoices the centre holds.
    func invoiceCount() async throws -> Int64

    /// Closes the store's connections.
    func close() async throws
}

extension CentralStore {
    /// Invoices of `branch` changed by another node after change number `cursor`, oldest first.
    public func changes(branch: String, since cursor: Int64, limit: Int) async throws -> ChangePage {
        try await changes(branch: branch, since: cursor, limit: limit, scope: .elsewhere)
    }
}
