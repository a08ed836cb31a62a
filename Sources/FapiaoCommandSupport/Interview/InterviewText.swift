import FapiaoCore

/// What ``InvoiceInterview`` says, in the clerk's language.
///
/// The rules' own messages (the validator's) stay in English, as in every other way in, so a
/// message quoted to HQ is the same.
public struct InterviewText: Sendable {
    public let language: InterviewLanguage

    public init(_ language: InterviewLanguage) { self.language = language }

    private func say(_ english: String, _ chinese: String) -> String { language == .zh ? chinese : english }

    /// The question for a header field; `type` decides the form the number is asked in.
    func label(_ field: String, type: InvoiceType?, rates: String) -> String {
        switch field {
        case "type": say("Invoice type (number or name)", "发票类型（序号或名称）")
        case "code": say("Invoice code (发票代码, 10 or 12 digits)", "发票代码（10 或 12 位数字）")
        case "number":
            switch type {
            case .some(let type) where type.isDigital: say("Invoice number (20 digits)", "发票号码（20 位数字）")
            case .some(.other): say("Invoice number (8 to 20 digits)", "发票号码（8 至 20 位数字）")
            case .some: say("Invoice number (8 digits)", "发票号码（8 位数字）")
            case .none: say("Invoice number", "发票号码")
            }
        case "issueDate": say("Issue date (YYYY-MM-DD)", "开票日期（YYYY-MM-DD）")
        case "seller.name": say("Seller name", "销售方名称")
        case "seller.taxID": say("Seller tax ID", "销售方纳税人识别号")
        case "buyer.name": say("Buyer name", "购买方名称")
        case "buyer.taxID": say("Buyer tax ID", "购买方纳税人识别号")
        case "net": say("Net amount, excluding tax (yuan)", "金额（不含税，元）")
        case "taxRate": say("Tax rate (\(rates))", "税率（\(rates)）")
        case "tax": say("Tax (yuan)", "税额（元）")
        case "gross": say("Gross, net + tax (yuan)", "价税合计（元）")
        case "note": say("Note", "备注")
        default: field
        }
    }

    /// The question for a field of an invoice line.
    func lineLabel(_ field: String, rates: String) -> String {
        switch field {
        case "description": say("Description", "项目名称")
        case "quantity": say("Quantity", "数量")
        case "unitPrice": say("Unit price (yuan)", "单价（元）")
        case "net": say("Line net amount (yuan)", "本行金额（元）")
        case "taxRate": say("Line tax rate (\(rates))", "本行税率（\(rates)）")
        case "tax": say("Line tax (yuan)", "本行税额（元）")
        default: field
        }
    }

    /// A type's name in words, beside its name on input.
    func typeName(_ type: InvoiceType) -> String {
        switch type {
        case .special: say("special VAT invoice, 增值税专用发票", "增值税专用发票")
        case .ordinary: say("ordinary VAT invoice, 增值税普通发票", "增值税普通发票")
        case .digitalSpecial: say("digital special invoice, 数电专票", "数电专票")
        case .digitalOrdinary: say("digital ordinary invoice, 数电普票", "数电普票")
        case .other: say("other invoice", "其他发票")
        }
    }

    var optional: String { say(" (optional, Enter to skip)", "（可选，回车跳过）") }
    var colon: String { say(": ", "：") }

    func intro(profile: String) -> String {
        say(
            "New invoice under the \(profile) profile; Ctrl-D or Ctrl-C stops without writing anything.",
            "录入新发票（\(profile) 配置）；按 Ctrl-D 或 Ctrl-C 退出，不写入任何内容。"
        )
    }

    func typesHeader(profile: String) -> String {
        say("Invoice types under the \(profile) profile:", "\(profile) 配置允许的发票类型：")
    }

    var addLine: String { say("Add a line item? [y/N]", "添加明细行？[y/N]") }
    var addAnotherLine: String { say("Add another line item? [y/N]", "再添加一行明细？[y/N]") }
    func lineHeader(_ number: Int) -> String { say("Line \(number):", "第 \(number) 行明细：") }

    func problems(_ count: Int) -> String {
        count == 1
            ? say("The invoice breaks a rule; correct the field it names:", "发票有 1 处问题，请更正所列字段：")
            : say(
                "The invoice breaks \(count) rules; correct the fields they name:",
                "发票有 \(count) 处问题，请更正所列字段："
            )
    }

    var summaryHeader: String { say("The invoice:", "发票内容：") }
    var confirm: String { say("Write this invoice? [y/N]", "写入此发票？[y/N]") }
    var answerYesOrNo: String { say("Answer y or n.", "请回答 y 或 n。") }

    func notUTF8(_ field: String) -> String {
        "\(field) is not UTF-8 text; set the terminal to UTF-8 and type it again"
    }

    var endOfInput: String {
        say("stopped at the end of input (Ctrl-D); nothing was written", "输入已结束（Ctrl-D），未写入任何内容")
    }
    var declined: String {
        say("the invoice was not confirmed; nothing was written", "发票未确认，未写入任何内容")
    }
}
