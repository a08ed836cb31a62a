/// How a profile's taxpayer IDs are written and checked.
public enum TaxIDScheme: String, Hashable, Sendable, CaseIterable {
    /// China: the 18-character Unified Social Credit Code (GB 32100-2015), a legacy 15-character
    /// tax ID, or an individual buyer's resident ID (GB 11643); see ``TaxpayerID``.
    case cnUSCC = "cn-uscc"
    /// Poland: the 10-digit NIP, whose last digit is the sum of the first nine weighted
    /// 6, 5, 7, 2, 3, 4, 5, 6, 7, modulo 11 (a remainder of 10 is never issued).
    case plNIP = "pl-nip"

    /// Checks a Polish NIP written as 10 digits (hyphens already removed).
    static func checkNIP(_ text: String) -> Result<TaxpayerID.Form, TaxpayerID.ProblemBox> {
        let characters = Array(text)
        guard characters.count == 10 else { return .failure(TaxpayerID.ProblemBox(.nipLength(characters.count))) }
        var digits: [Int] = []
        for (index, character) in characters.enumerated() {
            guard let value = character.wholeNumberValue, character.isASCII else {
                return .failure(TaxpayerID.ProblemBox(.badCharacter(character, position: index + 1)))
            }
            digits.append(value)
        }
        let weights = [6, 5, 7, 2, 3, 4, 5, 6, 7]
        let remainder = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11
        guard remainder != 10, remainder == digits[9] else {
            return .failure(TaxpayerID.ProblemBox(.nipCheckDigit(found: digits[9], expected: remainder)))
        }
        return .success(.nip)
    }
}
