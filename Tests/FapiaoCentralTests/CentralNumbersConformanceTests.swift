import FapiaoCentralStore
import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// Every store lists the numbers it holds with their branch and state, so HQ's number report
/// (`fapiao-central numbers`) finds a number two branches used and the gaps across branches.
@Suite struct CentralNumbersConformanceTests {
    @Test(arguments: StoreFactory.all)
    func everyStoreListsItsNumbersWithBranchAndState(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        let first = try fixture.invoice(1, number: 1)
        let fourth = try fixture.invoice(2, number: 4)
        #expect(try await fixture.push([fixture.create(first), fixture.create(fourth)]) == [.accepted, .accepted])
        // Another branch, another seller, the same 20-digit number: both are held.
        let context = CaptureContext(
            id: SequentialIDSource.id(3),
            capturedAt: fixture.clock.now,
            branch: CentralFixture.otherBranch
        )
        let input = InvoiceFixtures.validInput(
            issueDate: fixture.clock.shanghaiToday,
            number: InvoiceFixtures.number(1),
            sellerTaxID: InvoiceFixtures.buyerTaxID
        )
        let other = try InvoiceValidator.validate(input, context: context).invoice
        #expect(try await fixture.push([fixture.create(other)], from: CentralFixture.otherBranch) == [.accepted])
        _ = try await fixture.edit(fourth, .void(reason: "开错了"), operation: 50)

        let uses = try await fixture.store.numberUses()
        #expect(uses.count == 3)
        #expect(Set(uses.map(\.branch)) == [CentralFixture.branch, CentralFixture.otherBranch])
        #expect(uses.filter(\.voided).map(\.invoiceID) == [fourth.id])
        let report = try #require(NumberReport.reports(series: [], uses: uses, explanations: []).first)
        #expect(report.duplicates.map(\.number) == [InvoiceFixtures.number(1)])
        #expect(report.gaps.map(\.text) == ["\(InvoiceFixtures.number(2))-\(InvoiceFixtures.number(3))"])
        try await fixture.store.close()
    }
}
