import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@Suite struct CentralRulesTests {
    let fixture = RulesFixture()

    func decide(
        _ operation: InvoiceOperation,
        _ situation: CentralRules.Situation = .init(),
        policy: CentralPolicy = .standard
    ) -> CentralRules.Decision {
        CentralRules.decide(operation, situation: situation, policy: policy)
    }

    /// The reason of a rejection, or `nil` for any other decision.
    func rejection(_ decision: CentralRules.Decision) -> String? {
        guard case .answer(.rejected(let reason)) = decision else { return nil }
        return reason
    }

    @Test func anInvoiceTheCentreHasNeverSeenIsApplied() throws {
        let operation = fixture.operation(10, .create, try fixture.invoice())
        #expect(decide(operation) == .apply)
        #expect(decide(operation).outcome == .accepted)
    }

    @Test func theSameOperationIdWithTheSameHashIsADuplicate() throws {
        let operation = fixture.operation(10, .create, try fixture.invoice())
        let situation = CentralRules.Situation(
            appliedHash: operation.hash,
            current: fixture.version(operation.invoice, [RulesFixture.branch: 1])
        )
        #expect(decide(operation, situation) == .answer(.duplicate))
        #expect(decide(operation, situation).outcome.isSuccess)
    }

    @Test func aDuplicateIsRecognisedEvenWhenTheCentreHasMovedOn() throws {
        // The ack was lost, then the centre voided the invoice: the replay is still a duplicate.
        let invoice = try fixture.invoice()
        let operation = fixture.operation(10, .create, invoice)
        let situation = CentralRules.Situation(
            appliedHash: operation.hash,
            current: fixture.version(fixture.voided(invoice), [RulesFixture.branch: 1, "central": 1])
        )
        #expect(decide(operation, situation) == .answer(.duplicate))
    }

    @Test func aReusedOperationIdWithAnotherHashIsRejected() throws {
        let operation = fixture.operation(10, .create, try fixture.invoice())
        let reason = try #require(
            rejection(decide(operation, CentralRules.Situation(appliedHash: String(repeating: "0", count: 64))))
        )
        #expect(reason.contains(operation.id.uuidString))
        #expect(reason.contains("never reused"))
    }

    @Test func anInvalidInvoiceIsRejectedWithAReasonNamingTheField() throws {
        var invoice = try fixture.invoice()
        invoice.gross = Money(minorUnits: invoice.gross.minorUnits + 100)
        let reason = try #require(rejection(decide(fixture.operation(10, .create, invoice))))
        #expect(reason.hasPrefix("gross "))
        #expect(reason.contains("net + tax"))
    }

    @Test func aBadCheckCharacterAcceptedAtTheBranchIsRejectedAtTheCentre() throws {
        var invoice = try fixture.invoice()
        invoice.buyer.taxID = "91110000802100433C"
        let reason = try #require(rejection(decide(fixture.operation(10, .create, invoice))))
        #expect(reason.contains("buyer.taxID"))
    }

    /// 国税发〔2006〕156号 第五条: the limit is on the amount excluding tax (销售额), which must stay
    /// below it ("不得达到"): net 520.75 passes a limit of 520.76 and fails one of 520.75, whatever the gross.
    @Test func theCentreChecksTheSingleInvoiceLimitOnTheNetAmountStrictlyBelow() throws {
        let invoice = try fixture.invoice()
        let operation = fixture.operation(10, .create, invoice)
        func policy(_ limit: Int64) -> CentralPolicy {
            CentralPolicy(validation: ValidationPolicy(singleInvoiceLimit: limit))
        }
        let reason = try #require(rejection(decide(operation, policy: policy(invoice.net.minorUnits))))
        #expect(reason.contains("net"))
        #expect(reason.contains("below the single-invoice limit of 520.75"))
        #expect(decide(operation, policy: policy(invoice.net.minorUnits + 1)) == .apply)
        // Gross 552.00 is above a limit of 521.00; the net is not, so the invoice passes.
        #expect(decide(operation, policy: policy(52_100)) == .apply)
    }

    @Test func anEmptyClockIsRejected() throws {
        let operation = fixture.operation(10, .create, try fixture.invoice(), [:])
        let reason = try #require(rejection(decide(operation)))
        #expect(reason.contains("empty vector clock"))
    }

    @Test func aVoidWithoutAVoidRecordIsRejected() throws {
        let operation = fixture.operation(10, .void, try fixture.invoice(), [RulesFixture.branch: 2])
        let reason = try #require(rejection(decide(operation)))
        #expect(reason.contains("no void record"))
    }

    @Test func aDominatingClockIsApplied() throws {
        let invoice = try fixture.invoice()
        let current = fixture.version(invoice, [RulesFixture.branch: 1, "central": 1])
        let amend = fixture.operation(11, .amend, fixture.amended(invoice), [RulesFixture.branch: 2, "central": 1])
        #expect(decide(amend, CentralRules.Situation(current: current)) == .apply)
    }

    @Test(arguments: [
        [RulesFixture.branch: UInt64(2)],
        [RulesFixture.branch: 1],
        [RulesFixture.branch: 2, "central": 1],
    ])
    func anEqualOrOlderClockIsStale(clock: [String: UInt64]) throws {
        let invoice = try fixture.invoice()
        let currentClock: [String: UInt64] = [RulesFixture.branch: 2, "central": 1]
        let situation = CentralRules.Situation(current: fixture.version(invoice, currentClock))
        let operation = fixture.operation(12, .amend, fixture.amended(invoice), clock)
        #expect(decide(operation, situation) == .answer(.stale(current: VectorClock(currentClock))))
        #expect(decide(operation, situation).outcome.isSuccess)
    }

    @Test func concurrentClocksAreAConflictCarryingTheRemoteVersion() throws {
        let invoice = try fixture.invoice()
        let current = fixture.version(
            fixture.amended(invoice, buyer: "上海客户有限公司"),
            [RulesFixture.branch: 1, "central": 1]
        )
        let operation = fixture.operation(11, .amend, fixture.amended(invoice), [RulesFixture.branch: 2])
        #expect(
            decide(operation, CentralRules.Situation(current: current))
                == .answer(.conflict(.concurrentEdit, remote: current))
        )
    }

    @Test func aConcurrentEditOfAVoidedInvoiceIsAnEditOfVoidedConflict() throws {
        let invoice = try fixture.invoice()
        let current = fixture.version(fixture.voided(invoice), [RulesFixture.branch: 1, "central": 1])
        let operation = fixture.operation(11, .amend, fixture.amended(invoice), [RulesFixture.branch: 2])
        #expect(
            decide(operation, CentralRules.Situation(current: current))
                == .answer(.conflict(.editOfVoided, remote: current))
        )
    }

    @Test func aNumberOwnedByAnotherInvoiceIsADuplicateNumberConflict() throws {
        let first = try fixture.invoice(1, id: 1)
        let owner = fixture.version(first, ["bj-02": 1])
        let second = try fixture.invoice(1, id: 2)
        let operation = fixture.operation(11, .create, second)
        let decision = decide(operation, CentralRules.Situation(numberOwner: owner))
        #expect(decision == .answer(.conflict(.duplicateNumber, remote: owner)))
        #expect(!decision.outcome.isSuccess)
    }

    @Test func theInvoiceItselfOwningItsNumberIsNoConflict() throws {
        let invoice = try fixture.invoice()
        let current = fixture.version(invoice, [RulesFixture.branch: 1])
        let operation = fixture.operation(11, .amend, fixture.amended(invoice), [RulesFixture.branch: 2])
        #expect(decide(operation, CentralRules.Situation(current: current, numberOwner: current)) == .apply)
    }

    @Test func aDominatingAmendCannotUnvoidAVoidedInvoice() throws {
        let invoice = try fixture.invoice()
        let current = fixture.version(fixture.voided(invoice), [RulesFixture.branch: 1, "central": 1])
        let amend = fixture.operation(11, .amend, fixture.amended(invoice), [RulesFixture.branch: 2, "central": 1])
        let reason = try #require(rejection(decide(amend, CentralRules.Situation(current: current))))
        #expect(reason.contains("voided"))
        // The same version as a resolution (the branch settled a conflict) may.
        let resolve = fixture.operation(12, .resolve, fixture.amended(invoice), [RulesFixture.branch: 2, "central": 1])
        #expect(decide(resolve, CentralRules.Situation(current: current)) == .apply)
        // A dominating version that is still voided is an ordinary change.
        let stillVoided = fixture.operation(
            13,
            .amend,
            fixture.voided(fixture.amended(invoice)),
            [RulesFixture.branch: 2, "central": 1]
        )
        #expect(decide(stillVoided, CentralRules.Situation(current: current)) == .apply)
    }

    @Test func theOutcomeNamesAreTheWireNames() throws {
        let remote = fixture.version(try fixture.invoice(), ["central": 1])
        let outcomes: [PushOutcome] = [
            .accepted, .duplicate, .stale(current: VectorClock()), .conflict(.concurrentEdit, remote: remote),
            .rejected(reason: "x"), .deferred(reason: "y"),
        ]
        #expect(outcomes.map(\.name) == ["accepted", "duplicate", "stale", "conflict", "rejected", "deferred"])
        #expect(outcomes.map(\.isSuccess) == [true, true, true, false, false, false])
    }
}
