import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@Suite struct InvoiceValidatorTests {
    let clock = ManualClock()

    var context: CaptureContext {
        CaptureContext(id: SequentialIDSource.id(1), capturedAt: clock.now, branch: "bj-01", operatorName: "王小明")
    }

    var valid: InvoiceInput { InvoiceFixtures.validInput(clock: clock) }

    func validationFailure(_ input: InvoiceInput, context: CaptureContext? = nil) -> ValidationFailure? {
        do {
            _ = try InvoiceValidator.validate(input, context: context ?? self.context)
            return nil
        } catch {
            return error
        }
    }

    /// The (field, rule) pairs of `input`'s failure, empty when it passes.
    func broken(_ input: InvoiceInput) -> [String] {
        validationFailure(input)?.issues.map { "\($0.field) \($0.rule)" } ?? []
    }

    func changing(_ fields: [String: String?], lines: [[String: String]]? = nil) -> InvoiceInput {
        var input = valid
        for (field, value) in fields { input.fields[field] = value }
        if let lines { input.lines = lines }
        return input
    }

    @Test func theFixturePasses() throws {
        let validated = try InvoiceValidator.validate(valid, context: context)
        let invoice = validated.invoice
        #expect(validated.overrides.isEmpty)
        #expect(invoice.id == SequentialIDSource.id(1))
        #expect(invoice.kind == .normal)
        #expect(invoice.type == .digitalOrdinary)
        #expect(invoice.code == nil)
        #expect(invoice.number == "26110000000000000001")
        #expect(invoice.issueDate == clock.shanghaiToday)
        #expect(invoice.seller == Party(name: "北京示例科技有限公司", taxID: "91350100M000100Y43"))
        #expect(invoice.buyer == Party(name: "北京客户有限公司", taxID: "91110000802100433B"))
        #expect(invoice.net == Money(minorUnits: 52_075))
        #expect(invoice.tax == Money(minorUnits: 3_125))
        #expect(invoice.gross == Money(minorUnits: 55_200))
        #expect(invoice.taxRate == TaxRate(basisPoints: 600))
        #expect(invoice.lines.count == 1)
        #expect(invoice.lines.first?.description == "技术服务费")
        #expect(invoice.lines.first?.quantity == "1")
        #expect(invoice.lines.first?.unitPrice == "520.75")
        #expect(invoice.operatorName == "王小明")
        #expect(invoice.capturedAt == clock.now)
        #expect(invoice.branch == "bj-01")
        #expect(invoice.void == nil)
    }

    @Test func inputIDIsKeptAndSurroundingSpacesAreTrimmed() throws {
        let id = SequentialIDSource.id(42)
        let input = changing(["id": id.uuidString.lowercased(), "buyer.name": "  北京客户有限公司 "])
        let invoice = try InvoiceValidator.validate(input, context: context).invoice
        #expect(invoice.id == id)
        #expect(invoice.buyer.name == "北京客户有限公司")
    }

    @Test func sellerTaxIDWithAWrongCheckCharacterIsNamed() throws {
        let failure = try #require(validationFailure(changing(["seller.taxID": "91350100M000100Y44"])))
        #expect(failure.issues.count == 1)
        let issue = try #require(failure.issues.first)
        #expect(issue.field == "seller.taxID")
        #expect(issue.rule == "checkCharacter")
        #expect(issue.message.contains("'3'"))
        #expect(failure.description.contains("seller.taxID"))
    }

    @Test(arguments: ["552.01", "551.99"])
    func grossOffByOneFenIsRefused(gross: String) {
        #expect(broken(changing(["gross": gross])) == ["gross grossMismatch"])
    }

    @Test func aRateOutsideTheTableIsRefused() throws {
        let failure = try #require(validationFailure(changing(["taxRate": "0.07"])))
        #expect(failure.issues.map(\.field) == ["taxRate"])
        #expect(failure.issues.first?.rule == "rateTable")
        #expect(failure.issues.first?.message.contains("7%") == true)
    }

    @Test func anIssueDateTomorrowInShanghaiIsRefused() {
        let tomorrow = clock.shanghaiToday.adding(days: 1)
        #expect(broken(changing(["issueDate": tomorrow.description])) == ["issueDate notFuture"])
    }

    @Test func theFutureIsJudgedInShanghaiNotUTC() throws {
        // 2026-11-21T16:30Z is already 2026-11-22 in Shanghai, though still the 21st in UTC.
        clock.now = try #require(UTCTimestamp(parsing: "2026-11-21T16:30:00.000Z"))
        #expect(broken(changing(["issueDate": "2026-11-22"])) == [])
        #expect(broken(changing(["issueDate": "2026-11-23"])) == ["issueDate notFuture"])
    }

    @Test func theOfflineWindowIsNinetyDaysInclusive() {
        let oldest = clock.shanghaiToday.adding(days: -90)
        #expect(broken(changing(["issueDate": oldest.description])) == [])
        #expect(broken(changing(["issueDate": oldest.adding(days: -1).description])) == ["issueDate offlineWindow"])
    }

    @Test func theOfflineWindowComesFromThePolicy() throws {
        var policy = ValidationPolicy.standard
        policy.offlineWindowDays = 7
        let input = changing(["issueDate": clock.shanghaiToday.adding(days: -8).description])
        #expect(throws: ValidationFailure.self) {
            try InvoiceValidator.validate(input, policy: policy, context: context)
        }
        policy.offlineWindowDays = 8
        #expect(
            try InvoiceValidator.validate(input, policy: policy, context: context).invoice.number
                == "26110000000000000001"
        )
    }

    @Test(arguments: ["2026-02-30", "20261120", "2026/11/20"])
    func anIssueDateThatIsNotADateIsRefused(text: String) {
        #expect(broken(changing(["issueDate": text])) == ["issueDate format"])
    }

    @Test func threeDecimalsInNetAreRefused() throws {
        let failure = try #require(validationFailure(changing(["net": "520.755"])))
        #expect(failure.issues.map { "\($0.field) \($0.rule)" } == ["net decimalPlaces"])
        #expect(failure.issues.first?.message == "must have at most 2 decimal places")
    }

    @Test(arguments: ["number", "seller.name", "seller.taxID", "issueDate", "type", "buyer.name", "gross"])
    func anEmptyRequiredFieldIsNamed(field: String) {
        #expect(broken(changing([field: nil])).contains("\(field) required"))
        #expect(broken(changing([field: ""])).contains("\(field) required"))
        #expect(broken(changing([field: "   "])).contains("\(field) required"))
    }

    @Test func removingOneRequiredFieldReportsOnlyThatField() {
        for field in ["number", "seller.name", "seller.taxID", "issueDate"] {
            #expect(broken(changing([field: nil])) == ["\(field) required"], "\(field)")
        }
    }

    @Test func aTenMegabyteNoteIsRefusedQuickly() throws {
        let note = String(repeating: "a", count: 10 * 1024 * 1024)
        let failure = try #require(validationFailure(changing(["note": note])))
        #expect(failure.issues.map { "\($0.field) \($0.rule)" } == ["note maxLength"])
        #expect(failure.description.count < 1_000)
    }

    @Test func textLimitsCountCharactersNotBytes() throws {
        let longest = String(repeating: "票", count: 200)
        #expect(try InvoiceValidator.validate(changing(["note": longest]), context: context).invoice.note == longest)
        #expect(broken(changing(["note": longest + "票"])) == ["note maxLength"])
        #expect(broken(changing(["buyer.name": String(repeating: "客", count: 101)])) == ["buyer.name maxLength"])
    }

    @Test(arguments: ["第一行\n第二行", "tab\there", "bell\u{07}", "del\u{7F}"])
    func controlCharactersInTextAreRefused(note: String) {
        #expect(broken(changing(["note": note])) == ["note controlCharacter"])
    }

    @Test(arguments: [
        (InvoiceType.digitalOrdinary, nil, "26110000000000000001", [String]()),
        (.digitalSpecial, nil, "26110000000000000001", []),
        (.digitalOrdinary, nil, "2611000000000000001", ["number format"]),
        (.digitalOrdinary, nil, "2611000000000000000A", ["number format"]),
        (.digitalSpecial, nil, "12345678", ["number format"]),
        (.digitalOrdinary, "1100262130", "26110000000000000001", ["code digitalNoCode"]),
        (.ordinary, "1100262130", "12345678", []),
        (.special, "110026213011", "00000001", []),
        (.ordinary, "1100262130", "26110000000000000001", ["number format"]),
        (.special, nil, "12345678", ["code required"]),
        (.ordinary, "110026213", "12345678", ["code format"]),
        (.special, "11002621301", "1234567", ["code format", "number format"]),
        (.other, nil, "12345678", []),
        (.other, "110026213011", "12345678901234567890", []),
        (.other, nil, "1234567", ["number format"]),
        (.other, nil, "123456789012345678901", ["number format"]),
        (.other, "12345", "12345678", ["code format"]),
    ])
    func numberAndCodeFormatsDependOnTheType(type: InvoiceType, code: String?, number: String, expected: [String]) {
        #expect(broken(changing(["type": type.rawValue, "code": code, "number": number])) == expected)
    }

    @Test func theDesignExampleAsOrdinaryIsRefusedForItsNumberAndMissingCode() {
        #expect(broken(changing(["type": "ordinary"])) == ["code required", "number format"])
    }

    @Test func anUnknownTypeIsRefused() {
        #expect(broken(changing(["type": "paper"])) == ["type oneOf"])
    }

    @Test func lineTaxMustMatchNetTimesRate() throws {
        var line = try #require(valid.lines.first)
        line["tax"] = "31.27"
        let failure = try #require(validationFailure(changing([:], lines: [line])))
        #expect(failure.issues.map { "\($0.field) \($0.rule)" } == ["lines[1].tax taxMismatch"])
        #expect(failure.issues.first?.message.contains("31.25") == true)
    }

    @Test func lineTaxWithinTheToleranceStillHasToSumToTheHeader() throws {
        var line = try #require(valid.lines.first)
        line["tax"] = "31.26"
        #expect(broken(changing([:], lines: [line])) == ["tax linesSum"])
    }

    @Test func linesThatDoNotSumToTheHeaderAreRefused() {
        let lines = [
            ["description": "技术服务费", "net": "300.00", "taxRate": "0.06", "tax": "18.00"],
            ["description": "咨询费", "net": "220.00", "taxRate": "0.06", "tax": "13.20"],
        ]
        #expect(broken(changing([:], lines: lines)) == ["net linesSum", "tax linesSum"])
        let summing = [
            ["description": "技术服务费", "net": "300.00", "taxRate": "0.06", "tax": "18.00"],
            ["description": "咨询费", "net": "220.75", "taxRate": "0.06", "tax": "13.25"],
        ]
        #expect(broken(changing([:], lines: summing)) == [])
    }

    @Test func theHeaderRateMustBeOneOfTheLinesRates() {
        let lines = [["description": "技术服务费", "net": "520.75", "taxRate": "0.13", "tax": "67.70"]]
        let input = changing(["tax": "67.70", "gross": "588.45"], lines: lines)
        #expect(broken(input) == ["taxRate linesRate", "tax taxMismatch"])
    }

    @Test func aHeaderOnlyInvoiceIsAllowed() throws {
        let invoice = try InvoiceValidator.validate(changing([:], lines: []), context: context).invoice
        #expect(invoice.lines.isEmpty)
        #expect(broken(changing(["tax": "31.40", "gross": "552.15"], lines: [])) == ["tax taxMismatch"])
        // Without lines the header is the invoice's one line: the line tolerance holds (0.01 here).
        #expect(broken(changing(["tax": "31.26", "gross": "552.01"], lines: [])) == [])
        #expect(broken(changing(["tax": "31.31", "gross": "552.06"], lines: [])) == ["tax taxMismatch"])
        // Under the Chinese profiles, 0.06 per line (and 1.27 per invoice), as the 开票软件 allows.
        let ukey = try Profile.builtIn("cn-digital").validationPolicy()
        let sixFen = changing(["tax": "31.31", "gross": "552.06"], lines: [])
        #expect(throws: Never.self) { try InvoiceValidator.validate(sixFen, policy: ukey, context: context) }
        let sevenFen = changing(["tax": "31.32", "gross": "552.07"], lines: [])
        #expect(throws: ValidationFailure.self) {
            try InvoiceValidator.validate(sevenFen, policy: ukey, context: context)
        }
    }

    @Test func severalProblemsAreReportedTogether() throws {
        let input = changing([
            "seller.taxID": "91350100M000100Y44",
            "buyer.name": "",
            "gross": "552.01",
            "issueDate": clock.shanghaiToday.adding(days: 1).description,
            "colour": "red",
        ])
        // Through the wire form, which is where unknown fields are caught.
        let failure = try #require(
            validationFailure(InvoiceInput.fromJSON(try JSONValue.parse(InvoiceFixtures.json(input).text)))
        )
        #expect(
            Set(failure.issues.map { "\($0.field) \($0.rule)" }) == [
                "seller.taxID checkCharacter", "buyer.name required", "gross grossMismatch",
                "issueDate notFuture", "colour unknownField",
            ]
        )
        #expect(failure.description.hasPrefix("Invalid invoice, 5 problems: "))
    }

    @Test func theCheckCharacterOverrideAcceptsAndReportsTheOverride() throws {
        var overriding = context
        overriding.acceptBadCheckCharacters = true
        let input = changing(["seller.taxID": "91350100M000100Y44"])
        let validated = try InvoiceValidator.validate(input, context: overriding)
        #expect(validated.invoice.seller.taxID == "91350100M000100Y44")
        #expect(validated.overrides.map { "\($0.field) \($0.rule)" } == ["seller.taxID checkCharacter"])
    }

    @Test func theOverrideDoesNotAcceptOtherTaxIDProblems() throws {
        var overriding = context
        overriding.acceptBadCheckCharacters = true
        let input = changing(["seller.taxID": "91350100I000100Y43", "buyer.taxID": "9111000080210043"])
        let failure = try #require(validationFailure(input, context: overriding))
        #expect(failure.issues.map { "\($0.field) \($0.rule)" } == ["seller.taxID characters", "buyer.taxID length"])
    }

    @Test func residentIDsAreAcceptedForBuyersOnly() {
        #expect(broken(changing(["buyer.taxID": "11010519491231002X"])) == [])
        #expect(broken(changing(["seller.taxID": "11010519491231002X"])) == ["seller.taxID residentID"])
    }

    @Test func aJSONNumberForNetIsATypeProblem() throws {
        var json = InvoiceFixtures.json(valid).text
        json = json.replacingOccurrences(of: "\"net\":\"520.75\",\"number\"", with: "\"net\":520.75,\"number\"")
        #expect(json.contains("\"net\":520.75"))
        let input = InvoiceInput.fromJSON(try JSONValue.parse(json))
        let failure = try #require(validationFailure(input))
        let issue = try #require(failure.issues.first { $0.field == "net" && $0.rule == "type" })
        #expect(issue.message.contains("\"520.75\""))
        // Only the type problem: the field was given, so it must not also be called empty.
        #expect(failure.issues.map { "\($0.field) \($0.rule)" } == ["net type"])
    }

    @Test func aJSONNumberInALineIsATypeProblem() throws {
        let json = InvoiceFixtures.json(valid).text.replacingOccurrences(
            of: #""tax":"31.25","taxRate":"0.06","unitPrice""#,
            with: #""tax":31.25,"taxRate":"0.06","unitPrice""#
        )
        #expect(json.contains(#""tax":31.25"#))
        let input = InvoiceInput.fromJSON(try JSONValue.parse(json))
        #expect(broken(input) == ["lines[1].tax type"])
    }

    @Test func unknownFieldsAreReported() throws {
        var object = try #require(InvoiceFixtures.json(valid).objectMembers)
        object["colour"] = .string("red")
        object["seller"] = .object([
            "name": .string(InvoiceFixtures.sellerName), "taxID": .string(InvoiceFixtures.sellerTaxID),
            "address": .string("北京"),
        ])
        object["lines"] = .array([
            .object([
                "description": .string("技术服务费"), "net": .string("520.75"), "taxRate": .string("0.06"),
                "tax": .string("31.25"), "discount": .string("0"),
            ])
        ])
        let input = InvoiceInput.fromJSON(try JSONValue.parse(CanonicalJSON.object(object).text))
        #expect(
            Set(broken(input)) == [
                "colour unknownField", "seller.address unknownField", "lines[1].discount unknownField",
            ]
        )
    }

    @Test func wrongJSONTypesAreReported() throws {
        let text = """
            {"type":"digitalOrdinary","number":["2611"],"seller":"北京示例科技有限公司","lines":{},"note":true}
            """
        let input = InvoiceInput.fromJSON(try JSONValue.parse(text))
        let types = Set(input.problems.filter { $0.rule == "type" }.map(\.field))
        #expect(types == ["number", "seller", "lines", "note"])
        #expect(InvoiceInput.fromJSON(.array([])).problems.map(\.field) == ["invoice"])
    }

    @Test func systemFieldsAreIgnoredSoShownInvoicesCanBeFedBack() throws {
        let invoice = try InvoiceValidator.validate(valid, context: context).invoice
        let input = InvoiceInput.fromJSON(try JSONValue.parse(invoice.canonicalJSON.text))
        #expect(input.problems.isEmpty)
        #expect(try InvoiceValidator.validate(input, context: context).invoice == invoice)
        #expect(try InvoiceValidator.validate(InvoiceInput(invoice: invoice), context: context).invoice == invoice)
    }

    @Test func redInvoicesCarryNegativeAmountsAndTheirOriginal() throws {
        let red = changing(
            [
                "kind": "red", "originalNumber": "26110000000000000001", "number": "26110000000000000002",
                "net": "-520.75", "tax": "-31.25", "gross": "-552.00", "redReason": "销货退回",
                "redConfirmation": "12345678901234567890",
            ],
            lines: [["description": "技术服务费", "net": "-520.75", "taxRate": "0.06", "tax": "-31.25"]]
        )
        let invoice = try InvoiceValidator.validate(red, context: context).invoice
        #expect(invoice.kind == .red)
        #expect(invoice.gross.minorUnits == -55_200)
        var positive = red
        positive.fields["gross"] = "552.00"
        #expect(broken(positive).contains("gross redNegative"))
        var noOriginal = red
        noOriginal.fields["originalNumber"] = nil
        #expect(broken(noOriginal) == ["originalNumber required"])
        #expect(broken(changing(["net": "-520.75"])).contains("net notNegative"))
        #expect(broken(changing(["originalNumber": "26110000000000000009"])) == ["originalNumber redOnly"])
        #expect(broken(changing(["redReason": "销货退回"])) == ["redReason redOnly"])
        #expect(invoice.red?.reason == "销货退回")
        #expect(invoice.red?.confirmation == "12345678901234567890")
        // The reason is one of the profile's; the 数电票 confirmation (确认单) has 20 digits.
        var unknownReason = red
        unknownReason.fields["redReason"] = "客户不要了"
        #expect(broken(unknownReason) == ["redReason oneOf"])
        var shortConfirmation = red
        shortConfirmation.fields["redConfirmation"] = "1234567890123456"
        #expect(broken(shortConfirmation) == ["redConfirmation format"])
        var noConfirmation = red
        noConfirmation.fields["redConfirmation"] = nil
        #expect(broken(noConfirmation) == ["redConfirmation required"])
        // Issued elsewhere: the original's amounts come together and add up.
        var elsewhere = red
        elsewhere.fields.merge(["originalNet": "520.75", "originalTax": "31.25", "originalGross": "552.01"]) { $1 }
        #expect(broken(elsewhere) == ["originalGross grossMismatch"])
        elsewhere.fields["originalTax"] = nil
        #expect(broken(elsewhere) == ["originalNet together"])
        // A red invoice and its round trip through the canonical form keep the reference.
        let again = try Invoice(stored: JSONValue.parse(invoice.canonicalJSON.text))
        #expect(again == invoice)
    }
}

extension CanonicalJSON {
    /// The members when this is an object.
    var objectMembers: [String: CanonicalJSON]? {
        guard case .object(let members) = self else { return nil }
        return members
    }
}
