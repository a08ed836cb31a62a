import FapiaoCentralStore
import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// Every store checks a red invoice against its original as the centre holds them, whichever
/// branch sent them (CentralRules with RedInvoiceRules): reds from two branches never exceed
/// the original, and an original the centre does not hold needs its amounts in the red.
@Suite struct CentralRedConformanceTests {
    /// A red invoice of `branch` against `original`, reversing `net` (with the matching tax at 6 %).
    static func red(
        _ fixture: CentralFixture,
        id: UInt64,
        against original: Invoice,
        net: String,
        tax: String,
        gross: String,
        branch: String,
        withOriginalAmounts: Bool = true
    ) throws -> Invoice {
        var input = InvoiceInput.red(
            reversing: original,
            number: InvoiceFixtures.number(100 + Int(id)),
            code: nil,
            issueDate: fixture.clock.shanghaiToday,
            reason: "销货退回",
            confirmation: "1101002612000000000\(id % 10)",
            amounts: (net, tax, gross)
        )
        // Another branch gives the original's amounts (it was issued elsewhere, for that branch).
        if withOriginalAmounts {
            input.fields.merge([
                "originalNet": original.net.decimalText, "originalTax": original.tax.decimalText,
                "originalGross": original.gross.decimalText,
            ]) { $1 }
        }
        let context = CaptureContext(id: SequentialIDSource.id(id), capturedAt: fixture.clock.now, branch: branch)
        return try InvoiceValidator.validate(input, context: context).invoice
    }

    static func rejection(_ outcome: PushOutcome?) -> String? {
        if case .rejected(let reason)? = outcome { return reason }
        return nil
    }

    @Test(arguments: StoreFactory.all)
    func redInvoicesFromTwoBranchesNeverExceedTheOriginal(factory: StoreFactory) async throws {
        let fixture = try await CentralFixture(factory)
        let original = try fixture.invoice(1)  // net 520.75, tax 31.25, gross 552.00
        #expect(try await fixture.push([fixture.create(original)]) == [.accepted])
        let mine = try Self.red(
            fixture,
            id: 2,
            against: original,
            net: "-300.00",
            tax: "-18.00",
            gross: "-318.00",
            branch: CentralFixture.branch,
            withOriginalAmounts: false
        )
        #expect(try await fixture.push([fixture.create(mine)]) == [.accepted])
        let theirs = try Self.red(
            fixture,
            id: 3,
            against: original,
            net: "-300.00",
            tax: "-18.00",
            gross: "-318.00",
            branch: CentralFixture.otherBranch
        )
        let outcome = try await fixture.push([fixture.create(theirs)], from: CentralFixture.otherBranch).first
        let reason = try #require(Self.rejection(outcome))
        #expect(reason.contains("would reverse 600.00 of the original's net 520.75 (300.00 by earlier red invoices)"))
        // What is left may still be reversed, from either branch.
        let rest = try Self.red(
            fixture,
            id: 4,
            against: original,
            net: "-220.75",
            tax: "-13.25",
            gross: "-234.00",
            branch: CentralFixture.otherBranch
        )
        #expect(try await fixture.push([fixture.create(rest)], from: CentralFixture.otherBranch) == [.accepted])
        try await fixture.store.close()
    }

    @Test(arguments: StoreFactory.all)
    func aRedOfAnOriginalTheCentreLacksNeedsItsAmountsAndAVoidedOriginalIsNotReversed(
        factory: StoreFactory
    )
        async throws
    {
        let fixture = try await CentralFixture(factory)
        let unknown = try fixture.invoice(1)
        let bare = try Self.red(
            fixture,
            id: 2,
            against: unknown,
            net: "-1.00",
            tax: "-0.06",
            gross: "-1.06",
            branch: CentralFixture.branch,
            withOriginalAmounts: false
        )
        let reason = try #require(Self.rejection(try await fixture.push([fixture.create(bare)]).first))
        #expect(reason.contains("is not known here"))
        let original = try fixture.invoice(5, number: 5)
        #expect(try await fixture.push([fixture.create(original)]) == [.accepted])
        _ = try await fixture.edit(original, .void(reason: "开错了"), operation: 60)
        let ofVoided = try Self.red(
            fixture,
            id: 6,
            against: original,
            net: "-1.00",
            tax: "-0.06",
            gross: "-1.06",
            branch: CentralFixture.branch
        )
        let voided = try #require(Self.rejection(try await fixture.push([fixture.create(ofVoided)]).first))
        #expect(voided.contains("voided"))
        try await fixture.store.close()
    }
}
