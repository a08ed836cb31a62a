import FapiaoCore
import Testing

@Suite struct MoneyTests {
    @Test func parsesMajorUnitsIntoFen() throws {
        let net = try Money(parsing: "520.75")
        #expect(net.minorUnits == 52_075)
        #expect(net.currency == "CNY")
        #expect(net == Money(minorUnits: 52_075))
        #expect(try Money(parsing: "1.5", currency: "USD") == Money(minorUnits: 150, currency: "USD"))
    }

    @Test func refusesWhatDecimalTextRefuses() {
        #expect(throws: DecimalText.Problem.tooManyDecimals(allowed: 2)) { try Money(parsing: "520.755") }
        #expect(throws: DecimalText.Problem.notADecimal) { try Money(parsing: "1e3") }
        #expect(throws: DecimalText.Problem.notADecimal) { try Money(parsing: "1,000.00") }
        #expect(throws: DecimalText.Problem.empty) { try Money(parsing: "") }
        #expect(throws: DecimalText.Problem.tooLarge) { try Money(parsing: "92233720368547758.08") }
    }

    @Test func negativeAmountsOnlyWhenAllowed() throws {
        #expect(throws: DecimalText.Problem.negative) { try Money(parsing: "-31.25") }
        #expect(try Money(parsing: "-31.25", allowNegative: true).minorUnits == -3_125)
        #expect(try Money(parsing: "-31.25", allowNegative: true).decimalText == "-31.25")
    }

    @Test func writesExactlyTwoDecimals() {
        #expect(Money(minorUnits: 55_200).decimalText == "552.00")
        #expect(Money(minorUnits: 1).decimalText == "0.01")
        #expect(Money(minorUnits: -1).decimalText == "-0.01")
        #expect(Money(minorUnits: 55_200).description == "552.00 CNY")
    }

    @Test(arguments: ["0.00", "0.01", "520.75", "552.00", "-31.25", "92233720368547758.07"])
    func decimalTextRoundTrips(text: String) throws {
        #expect(try Money(parsing: text, allowNegative: true).decimalText == text)
    }

    @Test func ordersByAmount() {
        #expect(Money(minorUnits: 3_125) < Money(minorUnits: 52_075))
        #expect(Money(minorUnits: -1) < Money(minorUnits: 0))
        #expect(!(Money(minorUnits: 5) < Money(minorUnits: 5)))
    }

    @Test(arguments: [("CNY", true), ("USD", true), ("cny", false), ("CN", false), ("CNYY", false), ("C1Y", false)])
    func currencyCodes(code: String, valid: Bool) {
        #expect(Money.isCurrencyCode(code) == valid)
    }
}
