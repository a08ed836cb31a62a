import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// What a Chinese input method types is read as the rules expect (DESIGN §3), and the buyer of an
/// ordinary invoice may be a person without a tax ID.
@Suite struct InputNormalisationTests {
    let clock = ManualClock()

    var context: CaptureContext {
        CaptureContext(id: SequentialIDSource.id(1), capturedAt: clock.now, branch: "bj-01")
    }

    func validate(_ changes: [String: String?], policy: ValidationPolicy = .standard) throws -> ValidatedInvoice {
        var input = InvoiceFixtures.validInput(clock: clock)
        for (field, value) in changes { input.fields[field] = value }
        return try InvoiceValidator.validate(input, policy: policy, context: context)
    }

    func broken(_ changes: [String: String?], policy: ValidationPolicy = .standard) -> [String] {
        do {
            _ = try validate(changes, policy: policy)
            return []
        } catch {
            return (error as? ValidationFailure)?.issues.map { "\($0.field) \($0.rule)" } ?? ["\(error)"]
        }
    }

    @Test(arguments: [
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43", "91350100M000100Y43"),
        ("91350100m000100y43", "91350100M000100Y43", "91350100m000100y43"),
        ("ａｂｃ１２３．５", "ABC123.5", "abc123.5"),
        ("　５２０．７５", " 520.75", " 520.75"),
        ("北京示例", "北京示例", "北京示例"),
    ])
    func fullWidthFormsBecomeHalfWidth(typed: String, upper: String, asIs: String) {
        #expect(HalfWidth.normalise(typed, upperCase: true) == upper)
        #expect(HalfWidth.normalise(typed, upperCase: false) == asIs)
    }

    @Test func anInvoiceTypedWithAChineseInputMethodIsCapturedHalfWidthWithTheTypedTextKept() throws {
        let validated = try validate([
            "seller.taxID": "９１３５０１００Ｍ０００１００Ｙ４３",
            "number": Self.fullWidth("26110000000000000001"),
            "net": "５２０．７５",
            "tax": "31.25",
        ])
        #expect(validated.invoice.seller.taxID == "91350100M000100Y43")
        #expect(validated.invoice.number == "26110000000000000001")
        #expect(validated.invoice.net == Money(minorUnits: 52_075))
        #expect(validated.normalised["seller.taxID"] == "９１３５０１００Ｍ０００１００Ｙ４３")
        #expect(validated.normalised["net"] == "５２０．７５")
        #expect(validated.normalised["tax"] == nil)
        #expect(validated.normalised["seller.name"] == nil)
    }

    /// `text` as a Chinese input method in full-width mode types it.
    static func fullWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { Unicode.Scalar($0.value + 0xFEE0) }))
    }

    @Test func namesAreNeverChanged() throws {
        let validated = try validate(["buyer.name": "ＡＢＣ 公司"])
        #expect(validated.invoice.buyer.name == "ＡＢＣ 公司")
        #expect(validated.normalised.isEmpty)
    }

    @Test func anOrdinaryInvoiceToAPersonNeedsNoBuyerTaxID() throws {
        let validated = try validate(["buyer.taxID": nil, "buyer.name": "张三"])
        #expect(validated.invoice.buyer.taxID == "")
        #expect(try validate(["buyer.taxID": "  "]).invoice.buyer.taxID == "")
    }

    @Test func aSpecialInvoiceMustNameItsBuyerByTaxID() {
        #expect(broken(["type": "digitalSpecial", "buyer.taxID": nil]) == ["buyer.taxID required"])
        // Given, a buyer tax ID on an ordinary invoice is still checked.
        #expect(broken(["buyer.taxID": "91110000802100433C"]) == ["buyer.taxID checkCharacter"])
    }

    /// 国税发〔2006〕156号 第五条: the limit is a ceiling the amount excluding tax must not reach.
    @Test func theSingleInvoiceLimitIsOnTheNetAmountAndStrictlyBelow() {
        #expect(broken([:], policy: ValidationPolicy(singleInvoiceLimit: 52_076)).isEmpty)
        #expect(broken([:], policy: ValidationPolicy(singleInvoiceLimit: 52_075)) == ["net singleInvoiceLimit"])
        // Gross 552.00 is over 530.00; net 520.75 is not.
        #expect(broken([:], policy: ValidationPolicy(singleInvoiceLimit: 53_000)).isEmpty)
    }

    @Test func aTypeTheProfileDoesNotAllowIsRefusedNamingTheProfile() throws {
        var policy = ValidationPolicy.standard
        policy.allowedTypes = [.special, .ordinary]
        policy.profileName = "cn-ukey"
        #expect(broken([:], policy: policy) == ["type profile"])
    }

    @Test(arguments: [
        ("5260250274", true),
        ("526-025-02-74", true),
        ("5260250275", false),
        ("526025027", false),
    ])
    func aPolishNIPIsCheckedByItsWeightedCheckDigit(nip: String, valid: Bool) {
        var policy = ValidationPolicy.standard
        policy.taxIDScheme = .plNIP
        let problems = broken(["seller.taxID": nip, "buyer.taxID": nil], policy: policy)
        #expect(problems.isEmpty == valid, "\(problems)")
    }
}
