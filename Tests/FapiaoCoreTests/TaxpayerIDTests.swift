import FapiaoCore
import FapiaoTesting
import Testing

@Suite struct TaxpayerIDTests {
    /// The credit-code alphabet, written out here so the tests do not trust the library's copy.
    static let creditCodeAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    func form(_ text: String, allowResidentID: Bool = false) -> TaxpayerID.Form? {
        try? TaxpayerID.check(text, allowResidentID: allowResidentID).get()
    }

    func problem(_ text: String, allowResidentID: Bool = false) -> TaxpayerID.Problem? {
        switch TaxpayerID.check(text, allowResidentID: allowResidentID) {
        case .success: nil
        case .failure(let box): box.problem
        }
    }

    func replacing(_ text: String, at offset: Int, with character: Character) -> String {
        var characters = Array(text)
        characters[offset] = character
        return String(characters)
    }

    @Test(arguments: ["91350100M000100Y43", "91110000802100433B"])
    func validCreditCodesPass(code: String) {
        #expect(form(code) == .unifiedSocialCreditCode)
        #expect(form(code, allowResidentID: true) == .unifiedSocialCreditCode)
        #expect(TaxpayerID.creditCodeCheckCharacter(for: code.prefix(17)) == code.last)
    }

    @Test func checkCharacterOfTheDesignExampleIsComputedByTheStandard() {
        // GB 32100-2015 by hand for 91350100M000100Y4: Σ value × 3^(i-1) mod 31 = 28, 31 − 28 = 3.
        let values = [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(values, weights).map { $0 * $1 }.reduce(0, +)
        #expect(Self.creditCodeAlphabet[(31 - sum % 31) % 31] == "3")
        #expect(TaxpayerID.creditCodeCheckCharacter(for: "91350100M000100Y4") == "3")
    }

    @Test func everyOtherCheckCharacterIsRefusedNamingTheExpectedOne() {
        let code = "91350100M000100Y43"
        for character in Self.creditCodeAlphabet where character != "3" {
            let changed = replacing(code, at: 17, with: character)
            let refused = problem(changed, allowResidentID: true)
            #expect(refused == .wrongCheckCharacter(found: character, expected: "3"), "\(changed)")
            #expect(refused?.rule.contains("'3'") == true)
            #expect(refused?.isOverridable == true)
        }
    }

    @Test func anAllDigitBodyFallsBackToTheResidentIDCheckOnlyForItsOwnCheckDigit() throws {
        let code = "91110000802100433B"
        let residentCheck = try #require(TaxpayerID.residentCheckCharacter(for: code.prefix(17)))
        for character in Self.creditCodeAlphabet where character != "B" {
            let changed = replacing(code, at: 17, with: character)
            if character == residentCheck {
                #expect(problem(changed) == .residentIDNotAllowed)
                #expect(form(changed, allowResidentID: true) == .residentID)
            } else {
                #expect(
                    problem(changed, allowResidentID: true) == .wrongCheckCharacter(found: character, expected: "B")
                )
            }
        }
    }

    @Test func everySingleSubstitutionAnywhereIsDetected() {
        let code = Array("91350100M000100Y43")
        for offset in 0..<18 {
            for character in Self.creditCodeAlphabet where character != code[offset] {
                let changed = replacing(String(code), at: offset, with: character)
                guard case .wrongCheckCharacter(let found, let expected)? = problem(changed) else {
                    Issue.record("\(changed) was not refused for its check character")
                    continue
                }
                #expect(found == Array(changed)[17])
                #expect(expected != found)
            }
        }
    }

    @Test func randomBodiesGetTheirCheckCharacterAndNoOther() throws {
        var random = SeededGenerator(seed: 32_100)
        for _ in 0..<200 {
            let body = (0..<17).map { _ in Self.creditCodeAlphabet.randomElement(using: &random) ?? "0" }
            let check = try #require(TaxpayerID.creditCodeCheckCharacter(for: body))
            let code = String(body) + String(check)
            #expect(form(code) == .unifiedSocialCreditCode)
            let wrong = Self.creditCodeAlphabet.first { $0 != check && $0.isLetter } ?? "A"
            #expect(problem(String(body) + String(wrong)) == .wrongCheckCharacter(found: wrong, expected: check))
        }
    }

    @Test func organisationCheckCharactersFollowGB11714() {
        // 1×3 + 2×7 + 3×9 + 4×10 + 5×5 + 6×8 + 7×4 + 8×2 = 201; 201 mod 11 = 3; 11 − 3 = 8.
        #expect(TaxpayerID.organisationCheckCharacter(for: "12345678") == "8")
        // Sum 0 → 11 → "0"; sum 12 → 12 mod 11 = 1 → 10 → "X".
        #expect(TaxpayerID.organisationCheckCharacter(for: "00000000") == "0")
        #expect(TaxpayerID.organisationCheckCharacter(for: "00000006") == "X")
        #expect(TaxpayerID.organisationCheckCharacter(for: "1234567") == nil)
        #expect(TaxpayerID.organisationCheckCharacter(for: "1234567-") == nil)
    }

    @Test(arguments: ["12345678", "MA01B2C3", "00000006", "ZZZZZZZZ", "0000000A"])
    func legacyTaxIDsWithTheirCheckCharacterPass(organisationBody: String) throws {
        let check = try #require(TaxpayerID.organisationCheckCharacter(for: organisationBody))
        let id = "110108" + organisationBody + String(check)
        #expect(form(id) == .legacyTaxID)
        let wrong: Character = check == "1" ? "2" : "1"
        let refused = problem("110108" + organisationBody + String(wrong))
        #expect(refused == .wrongCheckCharacter(found: wrong, expected: check))
    }

    @Test func legacyTaxIDsRefuseLettersInTheRegionCode() {
        #expect(problem("11A108123456788") == .badCharacter("A", position: 3))
        #expect(problem("110108123-56788") == .badCharacter("-", position: 10))
        #expect(form("110108123456788") == .legacyTaxID)
    }

    @Test func residentIDsAreForBuyersOnly() throws {
        // The GB 11643 worked example.
        #expect(TaxpayerID.residentCheckCharacter(for: "11010519491231002") == "X")
        #expect(form("11010519491231002X", allowResidentID: true) == .residentID)
        #expect(problem("11010519491231002X", allowResidentID: false) == .residentIDNotAllowed)
        #expect(problem("110105194912310021", allowResidentID: true) != nil)

        var random = SeededGenerator(seed: 11_643)
        for _ in 0..<100 {
            let body = String((0..<17).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
            let check = try #require(TaxpayerID.residentCheckCharacter(for: body))
            let id = body + String(check)
            let asBuyer = form(id, allowResidentID: true)
            #expect(asBuyer == .residentID || asBuyer == .unifiedSocialCreditCode)
            if asBuyer == .residentID {
                #expect(problem(id, allowResidentID: false) == .residentIDNotAllowed)
            }
        }
    }

    @Test(arguments: [
        ("", TaxpayerID.Problem.empty),
        ("91350100M000100Y4", .wrongLength(17)),
        ("91350100M000100Y433", .wrongLength(19)),
        ("9135010", .wrongLength(7)),
        ("91350100I000100Y43", .badCharacter("I", position: 9)),
        ("91350100M0O0100Y43", .badCharacter("O", position: 11)),
        ("91350100M000100Y4Z", .badCharacter("Z", position: 18)),
        ("91350100m000100Y43", .badCharacter("m", position: 9)),
        ("91350100M000100Y4 ", .badCharacter(" ", position: 18)),
        ("913501００M000100Y43", .badCharacter("０", position: 7)),
    ])
    func malformedIDsAreRefused(text: String, expected: TaxpayerID.Problem) {
        #expect(problem(text, allowResidentID: true) == expected)
        #expect(expected.isOverridable == false)
    }
}
