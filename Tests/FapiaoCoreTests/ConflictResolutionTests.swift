import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@Suite struct ConflictResolutionTests {
    let fixture = RulesFixture()

    /// The fields a person must decide, or `nil` when the merge succeeded.
    func fields(_ result: ThreeWayMerge.Result) -> [String]? {
        guard case .needsPerson(let fields, _) = result else { return nil }
        return fields
    }

    /// The reason a person must decide, or `nil` when the merge succeeded.
    func reason(_ result: ThreeWayMerge.Result) -> String? {
        guard case .needsPerson(_, let reason) = result else { return nil }
        return reason
    }

    /// Why `invoice` fails validation at its own capture instant, or `nil`.
    func invalidity(_ invoice: Invoice) -> String? {
        let context = CaptureContext(id: invoice.id, capturedAt: invoice.capturedAt, branch: invoice.branch)
        do {
            _ = try InvoiceValidator.validate(InvoiceInput(invoice: invoice), context: context)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: - Three-way merge

    @Test func aBuyerNameFromTheCentreAndANoteFromTheBranchBothSurvive() throws {
        let ancestor = try fixture.invoice()
        var local = ancestor
        local.note = "月底结算"
        let remote = fixture.amended(ancestor, buyer: "北京新客户有限公司")
        var expected = ancestor
        expected.note = "月底结算"
        expected.buyer.name = "北京新客户有限公司"
        #expect(ThreeWayMerge.merge(local: local, remote: remote, ancestor: ancestor) == .merged(expected))
    }

    @Test func aNoteChangedDifferentlyOnBothSidesNeedsAPerson() throws {
        let ancestor = try fixture.invoice()
        var local = ancestor
        local.note = "分行备注"
        var remote = ancestor
        remote.note = "总部备注"
        let result = ThreeWayMerge.merge(local: local, remote: remote, ancestor: ancestor)
        #expect(fields(result) == ["note"])
        #expect(reason(result)?.contains("note") == true)
    }

    @Test func aNoteChangedToTheSameValueOnBothSidesMerges() throws {
        let ancestor = try fixture.invoice()
        var local = ancestor
        local.note = "同一备注"
        let remote = local
        #expect(ThreeWayMerge.merge(local: local, remote: remote, ancestor: ancestor) == .merged(local))
    }

    @Test func aVoidAtTheCentreAndANoteAtTheBranchMerge() throws {
        let ancestor = try fixture.invoice()
        var local = ancestor
        local.note = "客户要求重开"
        let remote = fixture.voided(ancestor)
        var expected = remote
        expected.note = "客户要求重开"
        #expect(ThreeWayMerge.merge(local: local, remote: remote, ancestor: ancestor) == .merged(expected))
    }

    @Test func theVoidRecordIsOneLeaf() throws {
        let ancestor = try fixture.invoice()
        let remote = fixture.voided(ancestor)
        let comparisons = ThreeWayMerge.compare(local: ancestor, remote: remote, ancestor: ancestor)
        let void = try #require(comparisons.first { $0.path == "void" })
        #expect(!comparisons.contains { $0.path.hasPrefix("void.") })
        #expect(void.remote?["reason"] == .string("开错了"))
        #expect(void.changedRemotely && !void.changedLocally && !void.conflicts)
        #expect(comparisons.map(\.path) == comparisons.map(\.path).sorted())
        #expect(comparisons.contains { $0.path == "buyer.name" } && comparisons.contains { $0.path == "lines" })
    }

    @Test func aBuyerNameAndABuyerTaxIDChangedOnDifferentSidesMergePerLeaf() throws {
        let ancestor = try fixture.invoice()
        var local = ancestor
        local.buyer.taxID = "11010519491231002X"
        let remote = fixture.amended(ancestor, buyer: "王五")
        var expected = ancestor
        expected.buyer = Party(name: "王五", taxID: "11010519491231002X")
        #expect(ThreeWayMerge.merge(local: local, remote: remote, ancestor: ancestor) == .merged(expected))
    }

    @Test func withoutAnAncestorAFieldOnlyOneSideHasNeedsAPerson() throws {
        let remote = try fixture.invoice()
        var local = remote
        local.note = "只有分行有"
        let result = ThreeWayMerge.merge(local: local, remote: remote, ancestor: nil)
        #expect(fields(result) == ["note"])
        let note = try #require(
            ThreeWayMerge.compare(local: local, remote: remote, ancestor: nil).first { $0.path == "note" }
        )
        #expect(note.conflicts)
    }

    @Test func withoutAnAncestorEqualVersionsMerge() throws {
        let invoice = try fixture.invoice()
        #expect(ThreeWayMerge.merge(local: invoice, remote: invoice, ancestor: nil) == .merged(invoice))
    }

    @Test func aMergeThatBreaksTheRulesNeedsAPerson() throws {
        // Type `other` allows a code; a digital type forbids one. Each side is valid alone.
        var ancestor = try fixture.invoice()
        ancestor.type = .other
        var local = ancestor
        local.type = .digitalOrdinary
        var remote = ancestor
        remote.code = "1100262130"
        #expect(invalidity(ancestor) == nil)
        #expect(invalidity(local) == nil)
        #expect(invalidity(remote) == nil)

        let result = ThreeWayMerge.merge(local: local, remote: remote, ancestor: ancestor)
        #expect(fields(result) == ["code", "type"])
        let why = try #require(reason(result))
        #expect(why.contains("code must be empty for a digital (digitalOrdinary) invoice"))
    }

    @Test func versionsOfDifferentInvoicesNeverMerge() throws {
        let local = try fixture.invoice(id: 1)
        let remote = try fixture.invoice(id: 2)
        #expect(fields(ThreeWayMerge.merge(local: local, remote: remote, ancestor: nil)) == ["id"])
    }

    // MARK: - Policies

    @Test func theDefaultsMergeConcurrentEditsAndSendEverythingElseToAPerson() throws {
        let local = try fixture.invoice()
        var remote = local
        remote.note = "总部备注"
        for policies in [ResolverPolicies.defaults, ResolverPolicies()] {
            #expect(policies.policy(for: .concurrentEdit, local: local, remote: remote) == .merge)
            #expect(policies.policy(for: .editOfVoided, local: local, remote: remote) == .manual)
            #expect(policies.policy(for: .contentDiffers, local: local, remote: remote) == .manual)
            #expect(policies.policy(for: .duplicateNumber, local: local, remote: remote) == .manual)
        }
        #expect(ResolverPolicies.defaults.amounts == .manual)
    }

    @Test func aDuplicateNumberIsAlwaysManual() throws {
        let policies = ResolverPolicies(
            byKind: [.duplicateNumber: .merge, .concurrentEdit: .merge],
            amounts: .remoteWins
        )
        let local = try fixture.invoice()
        var remote = local
        remote.note = "总部备注"
        #expect(policies.policy(for: .concurrentEdit, local: local, remote: remote) == .merge)
        #expect(policies.policy(for: .duplicateNumber, local: local, remote: remote) == .manual)
        remote.gross = Money(minorUnits: 60_000)
        #expect(policies.policy(for: .duplicateNumber, local: local, remote: remote) == .manual)
    }

    @Test func aDifferentGrossUsesTheAmountsPolicy() throws {
        let policies = ResolverPolicies(byKind: [.concurrentEdit: .localWins], amounts: .remoteWins)
        let local = try fixture.invoice()
        var remote = local
        remote.note = "总部备注"
        #expect(policies.policy(for: .concurrentEdit, local: local, remote: remote) == .localWins)
        remote.gross = Money(minorUnits: 60_000)
        #expect(ResolverPolicies.touchesAmounts(local: local, remote: remote))
        #expect(policies.policy(for: .concurrentEdit, local: local, remote: remote) == .remoteWins)
        #expect(ResolverPolicies.defaults.policy(for: .concurrentEdit, local: local, remote: remote) == .manual)
    }

    @Test func taxIDsAndLinesTouchAmountsButNamesDoNot() throws {
        let local = try fixture.invoice()
        var sellerTaxID = local
        sellerTaxID.seller.taxID = "91110000802100433B"
        var lines = local
        lines.lines[0].description = "咨询费"
        var buyerName = local
        buyerName.buyer.name = "王五"
        #expect(ResolverPolicies.touchesAmounts(local: local, remote: sellerTaxID))
        #expect(ResolverPolicies.touchesAmounts(local: local, remote: lines))
        #expect(!ResolverPolicies.touchesAmounts(local: local, remote: buyerName))
        #expect(!ResolverPolicies.touchesAmounts(local: local, remote: local))
    }

    @Test func settingsRoundTrip() {
        var policies = ResolverPolicies.defaults
        policies.byKind[.concurrentEdit] = .remoteWins
        policies.byKind[.editOfVoided] = .localWins
        policies.byKind[.contentDiffers] = .merge
        policies.amounts = .localWins
        let pairs = policies.settingPairs
        #expect(
            pairs.map(\.0) == [
                "resolver.concurrentEdit", "resolver.duplicateNumber", "resolver.editOfVoided",
                "resolver.contentDiffers", "resolver.amounts",
            ]
        )
        #expect(pairs.map(\.1) == ["remote-wins", "manual", "local-wins", "merge", "local-wins"])
        #expect(ResolverPolicies(settings: Dictionary(uniqueKeysWithValues: pairs)) == policies)
        #expect(ResolverPolicies.settingKey(for: .editOfVoided) == "resolver.editOfVoided")
        #expect(ResolverPolicies.amountsSettingKey == "resolver.amounts")
    }

    @Test func unknownOrForbiddenSettingsFallBackToTheDefaults() {
        let policies = ResolverPolicies(settings: [
            "resolver.concurrentEdit": "coin-toss",
            "resolver.duplicateNumber": "merge",
            "resolver.amounts": "remote-wins",
        ])
        var expected = ResolverPolicies.defaults
        expected.amounts = .remoteWins
        #expect(policies == expected)
        #expect(ResolverPolicies(settings: [:]) == .defaults)
    }

    @Test func validatedAcceptsKindsAndAmounts() throws {
        let edit = try ResolverPolicies.validated(rule: "concurrentEdit", policy: "remote-wins")
        #expect(edit.key == "resolver.concurrentEdit" && edit.policy == .remoteWins)
        let amounts = try ResolverPolicies.validated(rule: "amounts", policy: "local-wins")
        #expect(amounts.key == "resolver.amounts" && amounts.policy == .localWins)
        let duplicate = try ResolverPolicies.validated(rule: "duplicateNumber", policy: "manual")
        #expect(duplicate.key == "resolver.duplicateNumber" && duplicate.policy == .manual)
    }

    @Test func validatedRefusesAnUnknownRule() {
        let message = "rule \"x\" must be one of concurrentEdit, duplicateNumber, editOfVoided, contentDiffers, amounts"
        #expect(throws: ResolverPolicyError(message: message)) {
            try ResolverPolicies.validated(rule: "x", policy: "merge")
        }
    }

    @Test func validatedRefusesAnUnknownPolicy() {
        let message = "policy \"y\" must be one of manual, remote-wins, local-wins, merge"
        #expect(throws: ResolverPolicyError(message: message)) {
            try ResolverPolicies.validated(rule: "concurrentEdit", policy: "y")
        }
    }

    @Test(arguments: ["remote-wins", "local-wins", "merge"])
    func validatedRefusesAnAutomaticPolicyForDuplicateNumbers(policy: String) {
        let message =
            "duplicateNumber conflicts can only be resolved by a person (policy manual): a legal invoice number is never settled automatically"
        #expect(throws: ResolverPolicyError(message: message)) {
            try ResolverPolicies.validated(rule: "duplicateNumber", policy: policy)
        }
        #expect(ResolverPolicyError(message: message).description == message)
    }
}
