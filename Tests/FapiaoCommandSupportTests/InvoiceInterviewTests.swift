import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

/// `fapiao enqueue` on a terminal: the questions, the checks as each answer is typed, the
/// corrections asked for at the end, and that nothing is written unless the clerk says yes.
@Suite struct InvoiceInterviewTests {
    let directory: TemporaryDirectory
    let clock = ManualClock()
    let journal: Journal
    let options = CaptureOptions(actor: "王芳", source: "cli")

    init() throws {
        directory = try TemporaryDirectory(prefix: "fapiao-interview")
        journal = try Journal.create(
            at: directory.file("journal.sqlite"),
            settings: JournalSettings(node: "bj-01"),
            actor: "王芳",
            environment: .testing(clock: clock)
        )
    }

    var today: String { clock.shanghaiToday.description }

    /// The answers for the example invoice without lines; Enter for the date, tax and gross.
    static let example = [
        "digitalOrdinary", "26110000000000000001", "", "北京示例科技有限公司", "91350100M000100Y43",
        "北京客户有限公司", "91110000802100433B", "520.75", "0.06", "", "", "n", "",
    ]

    private func interview(
        _ answers: [String],
        language: InterviewLanguage = .en
    ) -> InvoiceInterview<ScriptedTerminal> {
        InvoiceInterview(
            rules: FieldRules(policy: journal.settings.policy, today: journal.today),
            language: language,
            terminal: ScriptedTerminal(answers)
        ) { [journal, options] input in
            "summary of \(try journal.check(input, options: options).invoice.number)"
        }
    }

    /// Runs the interview to its end: the input it returned or the error it threw, and the transcript.
    private func run(
        _ answers: [String],
        language: InterviewLanguage = .en
    ) -> (
        Result<InvoiceInput, any Error>, String
    ) {
        var interview = interview(answers, language: language)
        let result = Result { try interview.run() }
        return (result, interview.terminal.transcript)
    }

    @Test func aWrongCheckCharacterIsRefusedAtOnceAndTheSameQuestionAskedAgain() throws {
        var answers = Self.example
        answers.insert("91350100M000100Y44", at: 4)  // one wrong check character, then the right one
        let (result, transcript) = run(answers + ["y"])
        let input = try result.get()
        #expect(input.fields["seller.taxID"] == "91350100M000100Y43")
        let message =
            "seller.taxID fails its check character: it ends in '4' but the check computes '3'; "
            + "re-read it from the source document."
        #expect(
            transcript.contains(
                "Seller tax ID: 91350100M000100Y44\n  ✗ \(message)\nSeller tax ID: 91350100M000100Y43\nBuyer name: "
            )
        )
        // The message is the validator's own.
        var flagged = input
        flagged.fields["seller.taxID"] = "91350100M000100Y44"
        #expect(throws: ValidationFailure.self) { try journal.check(flagged, options: options) }
        let failure = try #require(
            Result { try journal.check(flagged, options: options) }.failure as? ValidationFailure
        )
        #expect("\(failure.issues[0])." == message)
        // Captured as the flags would be.
        let receipt = try journal.capture(input, options: options)
        #expect(receipt.invoice.seller.taxID == "91350100M000100Y43")
    }

    @Test func eachFieldIsCheckedBeforeTheNextQuestion() throws {
        var answers = Self.example
        answers.insert("ordinry", at: 0)  // not a type
        answers.insert("2611000000000000000", at: 2)  // 19 digits
        answers.insert("2031-01-01", at: 4)  // in the future
        answers.insert("520.755", at: 10)  // three decimals
        answers.insert("0.07", at: 12)  // not in the rate table
        let (result, transcript) = run(answers + ["y"])
        _ = try result.get()
        #expect(transcript.contains("✗ type must be one of"))
        #expect(transcript.contains("✗ number must be 20 digits for a digitalOrdinary invoice"))
        #expect(transcript.contains("✗ issueDate must not be in the future"))
        #expect(transcript.contains("✗ net "))
        #expect(transcript.contains("✗ taxRate must be a rate in the"))
        #expect(transcript.components(separatedBy: "  ✗ ").count - 1 == 5)
    }

    @Test func fullWidthAnswersAreReadAsTheValidatorReadsThemAndTypedTextIsAudited() throws {
        var answers = Self.example
        answers[1] = String("26110000000000000001".unicodeScalars.map { Character(Unicode.Scalar($0.value + 0xFEE0)!) })
        answers[4] = "９１３５０１００ｍ０００１００ｙ４３"
        answers[7] = "５２０．７５"
        answers[8] = "６％"
        let (result, transcript) = run(answers + ["y"])
        #expect(!transcript.contains("✗"), "\(transcript)")
        let input = try result.get()
        // The tax and gross offered were computed from the half-width values.
        #expect(transcript.contains("Tax (yuan) [31.25]: "))
        #expect(transcript.contains("[552.00]: "))
        let receipt = try journal.capture(input, options: options)
        #expect(receipt.invoice.seller.taxID == "91350100M000100Y43")
        #expect(receipt.invoice.number == "26110000000000000001")
        #expect(receipt.invoice.net.decimalText == "520.75")
        let audit = try journal.auditEntries().last
        #expect(audit?.detailsText.contains("９１３５０１００ｍ０００１００ｙ４３") == true)
    }

    @Test func defaultsAreOfferedAndEnterTakesThem() throws {
        let (result, transcript) = run(Self.example + ["y"])
        let input = try result.get()
        #expect(transcript.contains("Issue date (YYYY-MM-DD) [\(today)]: "))
        #expect(transcript.contains("Tax (yuan) [31.25]: "))
        #expect(transcript.contains("Gross, net + tax (yuan) [552.00]: "))
        #expect(input.fields["issueDate"] == today)
        #expect(input.fields["tax"] == "31.25")
        #expect(input.fields["gross"] == "552.00")
        #expect(input.fields["note"] == nil)
        // Only the profile's types are listed, and a digital type is not asked for a code.
        for type in journal.settings.policy.allowedTypes { #expect(transcript.contains(type.rawValue)) }
        #expect(!transcript.contains("Invoice code"))
        #expect(transcript.contains("Write this invoice? [y/N] "))
    }

    @Test func theBuyerTaxIDIsOptionalOnlyWhereTheRulesSaySo() throws {
        var ordinary = Self.example
        ordinary[6] = ""  // an individual buyer on a 数电普票 gives a name only
        let (result, transcript) = run(ordinary + ["y"])
        #expect(try result.get().fields["buyer.taxID"] == nil)
        #expect(transcript.contains("Buyer tax ID (optional, Enter to skip): "))

        var special = Self.example
        special[0] = "digitalSpecial"
        special.insert("", at: 6)  // refused: a special invoice names its buyer by tax ID
        let (specialResult, specialTranscript) = run(special + ["y"])
        #expect(try specialResult.get().fields["buyer.taxID"] == "91110000802100433B")
        #expect(
            specialTranscript.contains("Buyer tax ID: \n  ✗ buyer.taxID must not be empty on a digitalSpecial invoice")
        )
    }

    @Test func lineItemsAreAskedWithTheirDefaults() throws {
        var answers = Self.example
        answers.replaceSubrange(11...11, with: ["y", "技术服务费", "2", "260.375", "", "", "", "n"])
        let (result, transcript) = run(answers + ["y"])
        let input = try result.get()
        #expect(transcript.contains("Line net amount (yuan) [520.75]: "))
        #expect(transcript.contains("Line tax rate (13%, 9%, 6%, 5%, 3%, 1%, 0%) [0.06]: "))
        #expect(transcript.contains("Line tax (yuan) [31.25]: "))
        #expect(
            input.lines == [
                [
                    "description": "技术服务费", "quantity": "2", "unitPrice": "260.375", "net": "520.75", "taxRate": "0.06",
                    "tax": "31.25",
                ]
            ]
        )
        #expect(try journal.capture(input, options: options).invoice.lines.count == 1)
    }

    @Test func rulesBetweenFieldsAreCheckedAtTheEndAndTheFieldNamedIsAskedAgain() throws {
        var answers = Self.example
        answers[9] = "40.00"  // not 520.75 × 6 %
        answers[10] = "560.75"  // consistent with the wrong tax
        // tax is asked again, offering net × rate; then gross, which no longer adds up, offering net + tax.
        let (result, transcript) = run(answers + ["", "", "y"])
        let input = try result.get()
        #expect(transcript.contains("✗ tax must be net × rate = 520.75 × 6% = 31.25"))
        #expect(transcript.contains("Tax (yuan) [31.25]: \n"))
        #expect(transcript.contains("✗ gross must equal net + tax exactly: 520.75 + 31.25 = 552.00, not 560.75"))
        #expect(transcript.contains("Gross, net + tax (yuan) [552.00]: \n"))
        #expect(input.fields["tax"] == "31.25")
        #expect(input.fields["gross"] == "552.00")
        #expect(transcript.components(separatedBy: "Write this invoice?").count == 2)
    }

    @Test func aNumberAlreadyInTheJournalIsAskedAgain() throws {
        try journal.capture(InvoiceFixtures.validInput(clock: clock), options: options)
        let (result, transcript) = run(Self.example + ["26110000000000000002", "y"])
        #expect(try result.get().fields["number"] == "26110000000000000002")
        #expect(transcript.contains("✗ number 26110000000000000001 is already in the journal"))
        #expect(transcript.contains("summary of 26110000000000000002"))
    }

    @Test func endOfInputStopsAnywhereAndNothingIsWritten() throws {
        for cut in [0, 4, Self.example.count] {
            let (result, transcript) = run(Array((Self.example + ["y"]).prefix(cut)))
            let error = try #require(result.failure as? InterviewCancelled)
            #expect(error.category == .cancelled)
            #expect("\(error)" == "stopped at the end of input (Ctrl-D); nothing was written")
            #expect(transcript.hasSuffix("\n"))
        }
        #expect(try journal.invoices().isEmpty)
    }

    @Test func answeringNoAtTheEndWritesNothing() throws {
        for last in ["n", ""] {
            let (result, transcript) = run(Self.example + [last])
            #expect(transcript.contains("The invoice:\nsummary of 26110000000000000001\nWrite this invoice? [y/N] "))
            let error = try #require(result.failure as? InterviewCancelled)
            #expect("\(error)" == "the invoice was not confirmed; nothing was written")
        }
        #expect(try journal.invoices().isEmpty)
    }

    @Test func chineseLabelsWithTheRulesOwnMessages() throws {
        var answers = Self.example
        answers.insert("91350100M000100Y44", at: 4)
        let (result, transcript) = run(answers + ["是"], language: .zh)
        _ = try result.get()
        for label in [
            "发票类型", "发票号码（20 位数字）", "开票日期（YYYY-MM-DD） [\(today)]：", "销售方名称", "销售方纳税人识别号：",
            "购买方纳税人识别号（可选，回车跳过）", "税额（元） [31.25]：", "价税合计（元） [552.00]：", "添加明细行？[y/N]", "写入此发票？[y/N]",
        ] {
            #expect(transcript.contains(label), "\(label)")
        }
        #expect(transcript.contains("✗ seller.taxID fails its check character"))
        #expect(!transcript.contains("Seller tax ID"))
    }

    @Test func theLanguageFollowsTheFlagThenTheLocale() {
        #expect(InterviewLanguage(flag: nil, environment: [:]) == .en)
        #expect(InterviewLanguage(flag: nil, environment: ["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(
            InterviewLanguage(flag: nil, environment: ["LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"]) == .zh
        )
        #expect(InterviewLanguage(flag: nil, environment: ["LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"]) == .en)
        #expect(InterviewLanguage(flag: nil, environment: ["LC_ALL": "", "LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(InterviewLanguage(flag: .en, environment: ["LANG": "zh_CN.UTF-8"]) == .en)
        #expect(InterviewLanguage(flag: .zh, environment: [:]) == .zh)
    }

    @Test func textThatIsNotUTF8IsRefusedNotStored() throws {
        var answers = Self.example
        answers.insert("\u{FFFD}\u{FFFD}", at: 3)  // what the terminal makes of GBK bytes
        let (result, transcript) = run(answers + ["y"])
        #expect(try result.get().fields["seller.name"] == "北京示例科技有限公司")
        #expect(transcript.contains("✗ Seller name is not UTF-8 text"))
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
