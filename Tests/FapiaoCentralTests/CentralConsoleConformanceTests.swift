import FapiaoCentralStore
import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// Every store answers HQ's console alike: invoice search, one invoice's history at the centre and
/// at the branches, a branch's rejections and outbox over time.
@Suite struct CentralConsoleConformanceTests {
    @Test(arguments: StoreFactory.all)
    func searchHistoryAndBranchDetail(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        let first = try fixture.invoice(1)
        let second = try fixture.invoice(2)
        let create = fixture.create(first)
        #expect(try await fixture.push([create, fixture.create(second)]) == [.accepted, .accepted])
        // The branch's chain names invoice 1 in its first entry (AuditChainBuilder's invoice ids).
        var chain = AuditChainBuilder(node: CentralFixture.branch, clock: fixture.clock)
        chain.append(2)
        _ = try await fixture.store.anchor(chain.shipment(after: AnchorState(), outbox: 7), from: CentralFixture.branch)

        let store = fixture.store
        #expect(try await store.searchInvoices(first.number, limit: 10).map(\.invoice.id) == [first.id])
        #expect(
            Set(try await store.searchInvoices(CentralFixture.branch, limit: 10).map(\.invoice.id)) == [
                first.id, second.id,
            ]
        )
        let byBuyer = try await store.searchInvoices(String(InvoiceFixtures.buyerName.prefix(4)), limit: 10)
        #expect(byBuyer.count == 2)
        #expect(try await store.searchInvoices(CentralFixture.branch, limit: 1).count == 1)
        #expect(try await store.searchInvoices("没有这张发票%", limit: 10).isEmpty)

        let history = try await store.invoiceHistory(first.id)
        #expect(history.current?.invoice == first)
        #expect(history.operations.map(\.operationID) == [create.id.uuidString])
        #expect(history.operations.first?.node == CentralFixture.branch)
        #expect(history.operations.first?.clock == create.clock)
        #expect(history.entries.map(\.entry) == chain.entries.filter { $0.invoiceID == first.id })
        #expect(history.entries.allSatisfy { $0.branch == CentralFixture.branch })
        #expect(try await store.invoiceHistory(SequentialIDSource.id(999)).current == nil)

        var other = first
        other.note = "另一个版本"
        let reused = InvoiceOperation(id: create.id, kind: .create, clock: create.clock, invoice: other)
        _ = try await fixture.push([reused])
        let detail = try await store.branchDetail(CentralFixture.branch, limit: 10)
        #expect(detail.rejections.map(\.operationID) == [create.id.uuidString])
        #expect(detail.rejections.first?.invoiceID == first.id.uuidString)
        #expect(detail.outboxHistory.map(\.size) == [7])
        try await store.close()
    }
}
