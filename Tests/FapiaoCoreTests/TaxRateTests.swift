import FapiaoCore
import FapiaoTesting
import Testing

@Suite struct TaxRateTests {
    @Test(arguments: [
        ("6%", "0.06", Int64(600)),
        ("13%", "0.13", 1_300),
        ("9%", "0.09", 900),
        ("0%", "0", 0),
        ("1.5%", "0.015", 150),
        ("6.00%", "0.0600", 600),
    ])
    func percentAndFractionAreEqual(percent: String, fraction: String, basisPoints: Int64) throws {
        let fromPercent = try TaxRate(parsing: percent)
        let fromFraction = try TaxRate(parsing: fraction)
        #expect(fromPercent == fromFraction)
        #expect(fromPercent.basisPoints == basisPoints)
    }

    @Test func writesFractionsAndPercentagesWithoutTrailingZeros() {
        #expect(TaxRate(basisPoints: 600).decimalText == "0.06")
        #expect(TaxRate(basisPoints: 1_300).decimalText == "0.13")
        #expect(TaxRate(basisPoints: 0).decimalText == "0")
        #expect(TaxRate(basisPoints: 150).decimalText == "0.015")
        #expect(TaxRate(basisPoints: 10_000).decimalText == "1")
        #expect(TaxRate(basisPoints: 600).percentText == "6%")
        #expect(TaxRate(basisPoints: 150).percentText == "1.5%")
        #expect(TaxRate(basisPoints: 0).percentText == "0%")
    }

    @Test(arguments: [0, 100, 150, 300, 500, 600, 900, 1_300, 10_000] as [Int64])
    func decimalTextParsesBack(basisPoints: Int64) throws {
        let rate = TaxRate(basisPoints: basisPoints)
        #expect(try TaxRate(parsing: rate.decimalText) == rate)
        #expect(try TaxRate(parsing: rate.percentText) == rate)
    }

    @Test func refusesMalformedRates() {
        #expect(throws: DecimalText.Problem.tooManyDecimals(allowed: 4)) { try TaxRate(parsing: "0.06001") }
        #expect(throws: DecimalText.Problem.tooManyDecimals(allowed: 2)) { try TaxRate(parsing: "6.001%") }
        #expect(throws: DecimalText.Problem.negative) { try TaxRate(parsing: "-0.06") }
        #expect(throws: DecimalText.Problem.notADecimal) { try TaxRate(parsing: "6 %") }
        #expect(throws: DecimalText.Problem.notADecimal) { try TaxRate(parsing: "6%%") }
        #expect(throws: DecimalText.Problem.empty) { try TaxRate(parsing: "%") }
        #expect(throws: DecimalText.Problem.empty) { try TaxRate(parsing: "") }
    }

    @Test(arguments: [
        // net (fen), basis points, tax (fen): half-up means half away from zero.
        (Int64(52_075), Int64(600), Int64(3_125)),  // 31.245 → 31.25
        (-52_075, 600, -3_125),  // −31.245 → −31.25
        (9, 600, 1),  // 0.0054 → 0.01
        (-9, 600, -1),
        (8, 600, 0),  // 0.0048 → 0.00
        (-8, 600, 0),
        (50, 100, 1),  // exactly 0.005 → 0.01
        (-50, 100, -1),
        (49, 100, 0),
        (-49, 100, 0),
        (25, 1_300, 3),  // 0.0325 → 0.03
        (100_000, 1_300, 13_000),
        (12_345, 0, 0),
        (0, 600, 0),
    ])
    func taxIsRoundedHalfUp(net: Int64, basisPoints: Int64, tax: Int64) {
        #expect(TaxRate(basisPoints: basisPoints).tax(on: net) == tax)
    }

    @Test func taxMatchesExactArithmeticOverManyAmounts() {
        var random = SeededGenerator(seed: 600)
        for _ in 0..<2_000 {
            let net = Int64.random(in: -10_000_000_000...10_000_000_000, using: &random)
            let rate = TaxRate(basisPoints: [0, 100, 300, 500, 600, 900, 1_300].randomElement(using: &random) ?? 600)
            let tax = rate.tax(on: net)
            // |tax − net × rate| ≤ half a fen, and exactly half rounds away from zero.
            let scaledError = tax * 10_000 - net * rate.basisPoints
            #expect(abs(scaledError) <= 5_000, "\(net) at \(rate.percentText) gave \(tax)")
            if abs(scaledError) == 5_000 { #expect((scaledError > 0) == (net > 0)) }
        }
    }

    @Test func theCurrentTableHoldsTheRatesSince2019() throws {
        let table = RateTable.current
        #expect(table == RateTable.since2019)
        #expect(table.version == "2019-04-01")
        for percent in ["13%", "9%", "6%", "5%", "3%", "1%", "0%"] {
            #expect(table.allows(try TaxRate(parsing: percent)), "\(percent)")
        }
        for percent in ["7%", "10%", "16%", "17%", "11%", "6.5%", "100%"] {
            #expect(!table.allows(try TaxRate(parsing: percent)), "\(percent)")
        }
        #expect(table.listText == "13%, 9%, 6%, 5%, 3%, 1%, 0%")
    }
}
