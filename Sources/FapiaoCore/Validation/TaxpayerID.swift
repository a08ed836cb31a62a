/// Taxpayer identification numbers and their check characters.
///
/// Three forms are recognised:
/// - the 18-character Unified Social Credit Code (统一社会信用代码, GB 32100-2015);
/// - the legacy 15-character tax registration number: a 6-digit region code followed by
///   a 9-character organisation code whose last character is a GB 11714 check character;
/// - for individual buyers, the 18-character resident identity number (GB 11643).
public enum TaxpayerID {
    /// The form a valid identifier has.
    public enum Form: String, Hashable, Sendable {
        case unifiedSocialCreditCode
        case legacyTaxID
        case residentID
        /// Poland's 10-digit NIP (``TaxIDScheme/plNIP``).
        case nip
    }

    /// Why an identifier was refused.
    public enum Problem: Hashable, Sendable {
        case empty
        case wrongLength(Int)
        case badCharacter(Character, position: Int)
        case wrongCheckCharacter(found: Character, expected: Character)
        case residentIDNotAllowed
        case nipLength(Int)
        case nipCheckDigit(found: Int, expected: Int)
    }

    /// The characters of a Unified Social Credit Code, in value order (no I, O, S, V, Z).
    static let creditCodeAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let residentWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let residentCheckCharacters = Array("10X98765432")
    static let organisationWeights = [3, 7, 9, 10, 5, 8, 4, 2]

    /// Checks `text` and returns its form.
    ///
    /// An 18-character identifier of digits only (with a final digit or `X`) that fails the
    /// credit-code check but passes the resident-ID check is taken as a resident ID.
    /// - Parameters:
    ///   - text: the identifier, uppercase, no spaces.
    ///   - allowResidentID: whether an individual's resident ID is acceptable (buyers only).
    /// - Returns: the identifier's form, or the problem that refused it.
    public static func check(_ text: String, allowResidentID: Bool) -> Result<Form, ProblemBox> {
        if let form = validASCIIForm(text, allowResidentID: allowResidentID) { return .success(form) }
        return checkCharacters(text, allowResidentID: allowResidentID)
    }

    /// The form of `text` when it is a valid identifier, checked on its bytes; `nil` otherwise.
    ///
    /// Every valid identifier is ASCII, and nearly every one checked is valid: this path decides
    /// those without building an array of `Character`s (a tenth of the work). Anything it does not
    /// accept goes to ``checkCharacters(_:allowResidentID:)``, which names the problem; a test
    /// holds the two to the same answers.
    static func validASCIIForm(_ text: String, allowResidentID: Bool) -> Form? {
        var text = text
        return text.withUTF8 { bytes -> Form? in
            switch bytes.count {
            case 18:
                if isValidCreditCode(bytes) { return .unifiedSocialCreditCode }
                return allowResidentID && isValidResidentID(bytes) ? .residentID : nil
            case 15:
                return isValidLegacyTaxID(bytes) ? .legacyTaxID : nil
            default:
                return nil
            }
        }
    }

    /// Each byte's value in the credit-code alphabet, or -1.
    private static let creditCodeValues: [Int8] = {
        var values = [Int8](repeating: -1, count: 256)
        for (value, character) in creditCodeAlphabet.enumerated() {
            if let ascii = character.asciiValue { values[Int(ascii)] = Int8(value) }
        }
        return values
    }()

    private static func isValidCreditCode(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var sum = 0
        for index in 0..<17 {
            let value = creditCodeValues[Int(bytes[index])]
            guard value >= 0 else { return false }
            sum += Int(value) * creditCodeWeights[index]
        }
        return Int(creditCodeValues[Int(bytes[17])]) == (31 - sum % 31) % 31
    }

    private static func isValidResidentID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var sum = 0
        for index in 0..<17 {
            let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit) else { return false }
            sum += digit * residentWeights[index]
        }
        return residentCheckCharacters[sum % 11].asciiValue == bytes[17]
    }

    private static func isValidLegacyTaxID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes[0..<6].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        var sum = 0
        for index in 6..<14 {
            guard let value = organisationValue(byte: bytes[index]) else { return false }
            sum += value * organisationWeights[index - 6]
        }
        let expected: UInt8
        switch 11 - sum % 11 {
        case 10: expected = UInt8(ascii: "X")
        case 11: expected = UInt8(ascii: "0")
        case let digit: expected = UInt8(ascii: "0") + UInt8(digit)
        }
        return bytes[14] == expected
    }

    /// The character-by-character check: the reference, and the one that names a problem.
    static func checkCharacters(_ text: String, allowResidentID: Bool) -> Result<Form, ProblemBox> {
        let characters = Array(text)
        switch characters.count {
        case 0:
            return .failure(ProblemBox(.empty))
        case 18:
            let credit = checkCreditCode(characters)
            if case .success = credit { return credit }
            if characters.prefix(17).allSatisfy(\.isASCIIDigit) {
                let resident = checkResidentID(characters)
                if case .success = resident {
                    return allowResidentID ? resident : .failure(ProblemBox(.residentIDNotAllowed))
                }
            }
            return credit
        case 15:
            return checkLegacyTaxID(characters)
        default:
            return .failure(ProblemBox(.wrongLength(characters.count)))
        }
    }

    /// The check character a Unified Social Credit Code with these first 17 characters must end with.
    public static func creditCodeCheckCharacter(for body: some Collection<Character>) -> Character? {
        let characters = Array(body)
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = creditCodeAlphabet.firstIndex(of: character) else { return nil }
            sum += value * creditCodeWeights[index]
        }
        let check = (31 - sum % 31) % 31
        return creditCodeAlphabet[check]
    }

    /// The check character a resident ID with these first 17 digits must end with.
    public static func residentCheckCharacter(for body: some Collection<Character>) -> Character? {
        let characters = Array(body)
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let digit = character.wholeNumberValue, character.isASCIIDigit else { return nil }
            sum += digit * residentWeights[index]
        }
        return residentCheckCharacters[sum % 11]
    }

    /// The GB 11714 check character for an organisation code's first 8 characters.
    public static func organisationCheckCharacter(for body: some Collection<Character>) -> Character? {
        let characters = Array(body)
        guard characters.count == 8 else { return nil }
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = organisationValue(character) else { return nil }
            sum += value * organisationWeights[index]
        }
        let check = 11 - sum % 11
        switch check {
        case 10: return "X"
        case 11: return "0"
        default: return Character(String(check))
        }
    }

    private static func organisationValue(_ character: Character) -> Int? {
        character.asciiValue.flatMap { organisationValue(byte: $0) }
    }

    private static func organisationValue(byte ascii: UInt8) -> Int? {
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(ascii - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(ascii - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    private static func checkCreditCode(_ characters: [Character]) -> Result<Form, ProblemBox> {
        for (index, character) in characters.enumerated() where !creditCodeAlphabet.contains(character) {
            return .failure(ProblemBox(.badCharacter(character, position: index + 1)))
        }
        guard let expected = creditCodeCheckCharacter(for: characters.prefix(17)) else {
            return .failure(ProblemBox(.wrongLength(characters.count)))
        }
        guard characters[17] == expected else {
            return .failure(ProblemBox(.wrongCheckCharacter(found: characters[17], expected: expected)))
        }
        return .success(.unifiedSocialCreditCode)
    }

    private static func checkResidentID(_ characters: [Character]) -> Result<Form, ProblemBox> {
        guard let expected = residentCheckCharacter(for: characters.prefix(17)) else {
            return .failure(ProblemBox(.wrongLength(characters.count)))
        }
        guard characters[17] == expected else {
            return .failure(ProblemBox(.wrongCheckCharacter(found: characters[17], expected: expected)))
        }
        return .success(.residentID)
    }

    private static func checkLegacyTaxID(_ characters: [Character]) -> Result<Form, ProblemBox> {
        for (index, character) in characters.prefix(6).enumerated() where !character.isASCIIDigit {
            return .failure(ProblemBox(.badCharacter(character, position: index + 1)))
        }
        for (index, character) in characters.dropFirst(6).enumerated() where organisationValue(character) == nil {
            return .failure(ProblemBox(.badCharacter(character, position: index + 7)))
        }
        guard let expected = organisationCheckCharacter(for: characters[6..<14]) else {
            return .failure(ProblemBox(.wrongLength(characters.count)))
        }
        guard characters[14] == expected else {
            return .failure(ProblemBox(.wrongCheckCharacter(found: characters[14], expected: expected)))
        }
        return .success(.legacyTaxID)
    }

    /// A ``Problem`` as an `Error`, so it can travel in a `Result`.
    public struct ProblemBox: Error, Hashable, Sendable {
        /// The problem.
        public var problem: Problem
        init(_ problem: Problem) { self.problem = problem }
    }
}

extension TaxpayerID.Problem {
    /// The rule, phrased to follow a field name ("seller.taxID …").
    public var rule: String {
        switch self {
        case .empty:
            "must not be empty"
        case .wrongLength(let length):
            "must be an 18-character Unified Social Credit Code or a 15-character legacy tax ID, not \(length) characters"
        case .badCharacter(let character, let position):
            "has a character not allowed in a tax ID, '\(character)' at position \(position) (uppercase letters and digits; no I, O, S, V or Z in a credit code)"
        case .wrongCheckCharacter(let found, let expected):
            "fails its check character: it ends in '\(found)' but the check computes '\(expected)'; re-read it from the source document"
        case .residentIDNotAllowed:
            "is a personal resident ID, which only an individual buyer may give"
        case .nipLength(let length):
            "must be a 10-digit NIP, not \(length) characters"
        case .nipCheckDigit(let found, let expected):
            expected == 10
                ? "is not a NIP: its first nine digits give a check remainder of 10, which is never issued"
                : "fails its NIP check digit: it ends in \(found) but the check computes \(expected); re-read it from the source document"
        }
    }

    /// Whether an operator may deliberately accept the identifier despite this problem.
    public var isOverridable: Bool {
        if case .wrongCheckCharacter = self { return true }
        if case .nipCheckDigit(_, let expected) = self, expected != 10 { return true }
        return false
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false }
}
