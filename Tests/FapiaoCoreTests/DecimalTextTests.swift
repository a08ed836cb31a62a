import FapiaoCore
import FapiaoTesting
import Testing

@Suite struct DecimalTextTests {
    func problem(_ text: String, scale: Int = 2, allowNegative: Bool = false) -> DecimalText.Problem? {
        do {
            _ = try DecimalText.parse(text, scale: scale, allowNegative: allowNegative)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("520.75", Int64(52_075)),
        ("552.00", 55_200),
        ("552", 55_200),
        ("552.0", 55_200),
        ("0.01", 1),
        ("0", 0),
        ("0.00", 0),
        ("007.10", 710),
        ("92233720368547758.07", Int64.max),
    ])
    func parsesExactly(text: String, minorUnits: Int64) throws {
        #expect(try DecimalText.parse(text, scale: 2) == minorUnits)
    }

    @Test func keepsEveryDigitThatADoubleWouldLose() throws {
        // 0.1 + 0.2 and 2^53 + 1 are exact here.
        #expect(try DecimalText.parse("0.30", scale: 2) == 30)
        #expect(try DecimalText.parse("90071992547409.93", scale: 2) == 9_007_199_254_740_993)
        #expect(try DecimalText.parse("1.234567", scale: 6) == 1_234_567)
    }

    @Test func refusesMoreDecimalsThanTheScale() {
        #expect(problem("520.755") == .tooManyDecimals(allowed: 2))
        #expect(problem("0.001") == .tooManyDecimals(allowed: 2))
        #expect(problem("1.00000", scale: 4) == .tooManyDecimals(allowed: 4))
        #expect(problem("1.5", scale: 0) == .tooManyDecimals(allowed: 0))
    }

    @Test(arguments: [
        "1e3", "1E3", "+1", " 1", "1 ", "1,000", "1_000", ".", ".5", "5.", "1.2.3", "-", "--1", "0x10",
        "１", "٣", "1.-5", "NaN", "Infinity", "١٢", "12a",
    ])
    func refusesAnythingButDigitsAndOnePoint(text: String) {
        #expect(problem(text, allowNegative: true) == .notADecimal)
    }

    @Test func refusesTheEmptyString() {
        #expect(problem("") == .empty)
        #expect(problem("", allowNegative: true) == .empty)
    }

    @Test(arguments: [
        "92233720368547758.08",
        "92233720368547759",
        "99999999999999999999",
        "-92233720368547758.08",
        "1000000000000000000000000.00",
    ])
    func refusesOverflow(text: String) {
        #expect(problem(text, allowNegative: true) == .tooLarge)
    }

    @Test func refusesOverflowWhilePaddingTheScale() {
        // Fits as an integer, overflows once scaled to 6 places.
        #expect(problem("9223372036854", scale: 6) == nil)
        #expect(problem("9223372036855", scale: 6) == .tooLarge)
    }

    @Test func negativeOnlyWhenAllowed() throws {
        #expect(problem("-1.00") == .negative)
        #expect(problem("-0") == .negative)
        #expect(try DecimalText.parse("-1.00", scale: 2, allowNegative: true) == -100)
        #expect(try DecimalText.parse("-520.75", scale: 2, allowNegative: true) == -52_075)
        #expect(try DecimalText.parse("-92233720368547758.07", scale: 2, allowNegative: true) == -Int64.max)
    }

    @Test(arguments: [
        (Int64(52_075), 2, "520.75"),
        (55_200, 2, "552.00"),
        (5, 2, "0.05"),
        (-5, 2, "-0.05"),
        (0, 2, "0.00"),
        (-52_075, 2, "-520.75"),
        (600, 4, "0.0600"),
        (42, 0, "42"),
        (Int64.max, 2, "92233720368547758.07"),
        (Int64.min, 2, "-92233720368547758.08"),
    ])
    func formats(value: Int64, scale: Int, text: String) {
        #expect(DecimalText.format(value, scale: scale) == text)
    }

    @Test func formatAndParseRoundTrip() throws {
        var random = SeededGenerator(seed: 2_026)
        for scale in 0...6 {
            for _ in 0..<500 {
                let value =
                    Int64.random(in: -Int64.max...Int64.max, using: &random)
                    >> Int64.random(
                        in: 0...62,
                        using: &random
                    )
                let text = DecimalText.format(value, scale: scale)
                #expect(try DecimalText.parse(text, scale: scale, allowNegative: true) == value, "\(text)")
            }
        }
    }

    @Test func rulesReadAfterAFieldName() {
        #expect(DecimalText.Problem.tooManyDecimals(allowed: 2).rule == "must have at most 2 decimal places")
        #expect(DecimalText.Problem.empty.rule == "must not be empty")
        #expect(DecimalText.Problem.notADecimal.rule.contains("520.75"))
    }
}
