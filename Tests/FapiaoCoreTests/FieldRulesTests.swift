import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// The per-field rules a clerk meets as each answer is typed are the validator's own: for every
/// bad value, the field check refuses it with exactly the issue the validator reports.
@Suite struct FieldRulesTests {
    let clock = ManualClock()
    var rules: FieldRules { FieldRules(policy: .standard, today: clock.shanghaiToday) }

    private func validatorIssue(_ field: String, _ value: String?, type: String = "digitalOrdinary") -> ValidationIssue?
    {
        var input = InvoiceFixtures.validInput(clock: clock)
        input.fields["type"] = type
        if type == "ordinary" {
            input.fields["code"] = "011002600111"
            input.fields["number"] = "00000001"
        }
        input.fields[field] = value
        do {
            _ = try InvoiceValidator.validate(
                input,
                context: CaptureContext(id: UUID(), capturedAt: clock.now, branch: "bj-01")
            )
            return nil
        } catch {
            return error.issues.first { $0.field == field }
        }
    }

    private func fieldIssue(_ field: String, _ value: String, type: String = "digitalOrdinary") -> ValidationIssue? {
        var answered = ["type": type]
        if type == "ordinary" { answered["code"] = "011002600111" }
        do {
            _ = try rules.check(field, value, answered: answered)
            return nil
        } catch {
            return error.issues.first
        }
    }

    @Test(arguments: [
        ("type", "ordinry"), ("number", "2611000000000000000"), ("number", "26110000000000000001X"),
        ("issueDate", "2026-02-30"), ("issueDate", "2031-01-01"), ("issueDate", "2020-01-01"),
        ("seller.name", ""), ("seller.name", String(repeating: "名", count: 101)), ("seller.name", "北京\t公司"),
        ("seller.taxID", "91350100M000100Y44"), ("seller.taxID", "91350100M00010"),
        ("seller.taxID", "11010519491231002X"),
        ("buyer.taxID", "91110000802100433C"), ("net", "520.755"), ("net", "abc"), ("net", "-1.00"),
        ("tax", "31.2.5"), ("gross", ""), ("taxRate", "0.07"), ("taxRate", "six"),
        ("note", String(repeating: "注", count: 201)),
    ])
    func aBadValueGetsTheValidatorsOwnIssue(field: String, value: String) throws {
        let expected = try #require(validatorIssue(field, value))
        #expect(fieldIssue(field, value) == expected)
    }

    @Test func theNumberAndCodeFollowTheType() throws {
        #expect(
            fieldIssue("number", "1234567", type: "ordinary") == validatorIssue("number", "1234567", type: "ordinary")
        )
        #expect(fieldIssue("number", "00000001", type: "ordinary") == nil)
        #expect(fieldIssue("code", "0110026", type: "ordinary") == validatorIssue("code", "0110026", type: "ordinary"))
        #expect(fieldIssue("code", "", type: "ordinary")?.rule == "required")
        #expect(!rules.applies("code", answered: ["type": "digitalSpecial"]))
        #expect(rules.applies("code", answered: ["type": "other"]))
        #expect(!rules.isRequired("code", answered: ["type": "other"]))
        #expect(rules.isRequired("buyer.taxID", answered: ["type": "special"]))
        #expect(!rules.isRequired("buyer.taxID", answered: ["type": "digitalOrdinary"]))
    }

    @Test func goodValuesAreReadAsTheValidatorReadsThem() throws {
        #expect(try rules.check("seller.taxID", "９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43")
        #expect(try rules.check("net", " ５２０．７５ ") == "520.75")
        #expect(try rules.check("seller.name", "  北京示例科技有限公司 ") == "北京示例科技有限公司")
        #expect(try rules.check("buyer.taxID", "", answered: ["type": "digitalOrdinary"]) == nil)
        #expect(try rules.check("note", "") == nil)
        #expect(try rules.checkLine("quantity", "", number: 1) == nil)
        #expect(throws: ValidationFailure.self) { try rules.checkLine("quantity", "0", number: 2) }
    }

    @Test func theSuggestedAmountsAreTheOnesTheValidatorExpects() {
        #expect(rules.expectedTax(net: "520.75", rate: "6%") == "31.25")
        #expect(rules.expectedTax(net: "５２０．７５", rate: "0.06") == "31.25")
        #expect(rules.expectedGross(net: "520.75", tax: "31.25") == "552.00")
        #expect(rules.expectedLineNet(quantity: "3", unitPrice: "0.333333") == "1.00")
        #expect(rules.expectedTax(net: "abc", rate: "0.06") == nil)
    }
}
