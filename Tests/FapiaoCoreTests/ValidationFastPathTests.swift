import FapiaoTesting
import Testing

@testable import FapiaoCore

/// The validator's checks on bytes give the same answers as the definitions they replace:
/// `TaxpayerID.check` accepts valid identifiers on their bytes and sends everything else to the
/// character-by-character check, and control characters are found on the UTF-8 bytes.
@Suite struct ValidationFastPathTests {
    static let pool = Array("0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZa９é -")

    /// A random identifier-like string; half of those whose body allows it get the right check character.
    static func candidate(using random: inout SeededGenerator) -> String {
        let length = [18, 18, 18, 15, 15, 17, 14, 10].randomElement(using: &random) ?? 18
        let digitsOnly = Bool.random(using: &random)
        var characters = (0..<length).map { _ in
            digitsOnly && Int.random(in: 0..<20, using: &random) > 0
                ? Character(String(Int.random(in: 0...9, using: &random)))
                : pool.randomElement(using: &random) ?? "0"
        }
        guard Bool.random(using: &random) else { return String(characters) }
        switch length {
        case 18:
            let body = characters.prefix(17)
            if let check = TaxpayerID.creditCodeCheckCharacter(for: body), Bool.random(using: &random) {
                characters[17] = check
            } else if let check = TaxpayerID.residentCheckCharacter(for: body) {
                characters[17] = check
            }
        case 15:
            if let check = TaxpayerID.organisationCheckCharacter(for: characters[6..<14]) { characters[14] = check }
        default:
            break
        }
        return String(characters)
    }

    @Test func theByteCheckAndTheCharacterCheckAgreeOnEveryInput() {
        var random = SeededGenerator(seed: 11_643)
        var accepted: [TaxpayerID.Form: Int] = [:]
        var disagreements: [String] = []
        for _ in 0..<30_000 {
            let text = Self.candidate(using: &random)
            for allowResidentID in [false, true] {
                let checked = TaxpayerID.check(text, allowResidentID: allowResidentID)
                if checked != TaxpayerID.checkCharacters(text, allowResidentID: allowResidentID) {
                    disagreements.append("\(text) (resident IDs \(allowResidentID ? "allowed" : "refused"))")
                }
                if case .success(let form) = checked { accepted[form, default: 0] += 1 }
            }
        }
        #expect(disagreements.count == 0, "first: \(disagreements.first ?? "none")")
        // The corpus reaches every form, valid and not.
        #expect(accepted[.unifiedSocialCreditCode, default: 0] > 1_000)
        #expect(accepted[.residentID, default: 0] > 500)
        #expect(accepted[.legacyTaxID, default: 0] > 1_000)
    }

    @Test(arguments: ["91350100M000100Y43", "11010519491231002X", "110108123456788"])
    func validIdentifiersAreDecidedOnTheirBytes(text: String) {
        #expect(TaxpayerID.validASCIIForm(text, allowResidentID: true) != nil)
        #expect(TaxpayerID.validASCIIForm(String(text.dropLast()) + "Z", allowResidentID: true) == nil)
    }

    /// Every scalar up to U+3100 and the edges of the planes, alone and between other text.
    @Test func controlCharactersFoundOnBytesAreTheScalarDefinition() {
        let scalars =
            (0..<0x3100).compactMap(Unicode.Scalar.init)
            + [
                Unicode.Scalar(0xFEFF), Unicode.Scalar(0xFFFD), Unicode.Scalar(0x1F600), Unicode.Scalar(0x10FFFF),
            ].compactMap { $0 }
        var disagreements: [UInt32] = []
        for scalar in scalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            let texts = [String(scalar), "北京\(scalar)公司", "a\(scalar)"]
            if texts.contains(where: { $0.containsControlCharacter != isControl }) {
                disagreements.append(scalar.value)
            }
        }
        #expect(disagreements.count == 0, "first: \(disagreements.first.map { String($0, radix: 16) } ?? "none")")
        #expect("Ā".containsControlCharacter == false)  // U+0100 is C4 80: a 0x80 byte after another lead byte
        #expect("\u{85}".containsControlCharacter)  // NEL
    }
}

/// Trimming takes its fast paths only where the long way, character by character, gives the same.
@Suite struct TrimmingFastPathTests {
    @Test(arguments: [
        "北京客户有限公司", " 北京 ", "\u{3000}北京\u{3000}", "北京\u{0301}", "\u{0301}北京", "\u{0600}北京", "北京\u{0600}",
        "a北", "北a", "", " ", "\u{3000}", "北\u{200B}", "北\u{85}", "北\u{A0}", "\u{2028}北", "北\n", "\t北",
    ])
    func givesWhatTheLongWayGives(text: String) {
        #expect(text.trimmingSpaces() == text.trimmingSpacesByCharacter())
    }

    @Test func randomTextIsTrimmedAsTheLongWayTrimsIt() {
        var random = SeededGenerator(seed: 4_100)
        // Ideographs at both edges of the fast path's ranges, ASCII, whitespace of every kind,
        // combining and prefix marks, joiners.
        let scalars: [UInt32] = [
            0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0x3000, 0x33FF, 0xA000, 0x41, 0x7E, 0x21, 0x20, 0x09, 0x0A, 0x0D, 0x85,
            0xA0, 0x1680, 0x2003, 0x2028, 0x2029, 0x202F, 0x205F, 0x0301, 0x0600, 0x0D4E, 0x200D, 0xFE0F, 0x1F600,
        ]
        var differing: [String] = []
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...5, using: &random)
            var text = ""
            for _ in 0..<length {
                let value = scalars.randomElement(using: &random) ?? 0x41
                if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
            }
            if text.trimmingSpaces() != text.trimmingSpacesByCharacter() { differing.append(text) }
        }
        #expect(differing.isEmpty, "first: \(differing.first.map { Array($0.unicodeScalars) } ?? [])")
    }
}
