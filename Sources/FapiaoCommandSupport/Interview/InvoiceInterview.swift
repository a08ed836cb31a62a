import FapiaoCore
import Foundation

/// Asks a clerk for an invoice field by field, checking each answer with the validator's rules
/// before the next question, then the rules between fields, then shows the invoice and asks
/// whether to write it.
///
/// The interview only reads and writes text through its ``InterviewTerminal`` and checks the
/// whole invoice through `review`; it never writes to the journal. The caller captures what
/// ``run()`` returns exactly as it captures flags, so both ways in leave the same audit.
public struct InvoiceInterview<Terminal: InterviewTerminal> {
    /// The per-field rules of the journal's profile, with today's date.
    public var rules: FieldRules
    /// The words of the questions.
    public let text: InterviewText
    /// Where the questions go and the answers come from.
    public var terminal: Terminal
    /// Checks the whole invoice as a capture would, writing nothing, and returns how it is shown
    /// for confirmation; throws ``ValidationFailure`` for a rule it breaks.
    let review: (InvoiceInput) throws -> String

    /// The header answers so far, as typed (blank optional answers left out).
    var fields: [String: String] = [:]
    /// Each line's answers, as typed.
    var lines: [[String: String]] = []

    /// - Parameters:
    ///   - rules: the journal's field rules (``FieldRules``), today in the profile's time zone.
    ///   - language: the language of the questions.
    ///   - terminal: where to ask.
    ///   - review: every rule of a capture, the journal's included, writing nothing; returns the
    ///     invoice as it is to be shown.
    public init(
        rules: FieldRules,
        language: InterviewLanguage,
        terminal: Terminal,
        review: @escaping (InvoiceInput) throws -> String
    ) {
        self.rules = rules
        self.text = InterviewText(language)
        self.terminal = terminal
        self.review = review
    }

    /// The answers as an invoice input, as the flags would give it.
    public var input: InvoiceInput { InvoiceInput(fields: fields, lines: lines) }

    /// Asks for the invoice, has it corrected until it breaks no rule, shows it and asks to write it.
    ///
    /// - Returns: the confirmed invoice as typed; capture it as flags are captured.
    /// - Throws: ``InterviewCancelled`` at the end of input or when the clerk declines;
    ///   ``ValidationFailure`` for a rule no answer can mend (an offline limit); what `review`
    ///   throws otherwise.
    public mutating func run() throws -> InvoiceInput {
        let profile = rules.policy.profileName
        say(text.intro(profile: profile))
        say(text.typesHeader(profile: profile))
        for (index, type) in rules.policy.allowedTypes.enumerated() {
            say("  \(index + 1)  \(type.rawValue)  \(text.typeName(type))")
        }
        for field in FieldRules.askedFields where field != "note" {
            try askHeader(field, default: suggestion(for: field))
        }
        try askLines()
        try askHeader("note", default: nil)
        let summary = try reviewUntilValid()
        say("")
        say(text.summaryHeader)
        say(summary)
        guard try confirm(text.confirm) else { throw InterviewCancelled.declined(text.language) }
        return input
    }

    /// Asks a header field, when it applies to the type, and keeps the answer.
    mutating func askHeader(_ field: String, default suggested: String?) throws {
        guard rules.applies(field, answered: fields) else {
            fields[field] = nil
            return
        }
        let type = fields["type"].flatMap { InvoiceType(rawValue: FieldRules.normalised("type", $0)) }
        let label = text.label(field, type: type, rates: rules.policy.rateTable.listText)
        let optional = !rules.isRequired(field, answered: fields)
        let answered = fields
        let typed = try ask(label, default: suggested, optional: optional) { [rules] typed throws(ValidationFailure) in
            try rules.check(field, field == "type" ? Self.typeName(typed, rules: rules) : typed, answered: answered)
        }
        fields[field] = typed.isEmpty ? nil : (field == "type" ? Self.typeName(typed, rules: rules) : typed)
    }

    /// The default offered for a header field: today's date, the tax net × rate, the gross net + tax.
    func suggestion(for field: String) -> String? {
        switch field {
        case "issueDate": rules.today.description
        case "tax": fields["net"].flatMap { net in fields["taxRate"].flatMap { rules.expectedTax(net: net, rate: $0) } }
        case "gross": fields["net"].flatMap { net in fields["tax"].flatMap { rules.expectedGross(net: net, tax: $0) } }
        default: nil
        }
    }

    /// A type answered by its number in the list stands for that type's name.
    static func typeName(_ typed: String, rules: FieldRules) -> String {
        let answer = HalfWidth.normalise(typed, upperCase: false).trimmingCharacters(in: .whitespaces)
        guard let index = Int(answer), rules.policy.allowedTypes.indices.contains(index - 1) else { return typed }
        return rules.policy.allowedTypes[index - 1].rawValue
    }

    /// Asks until `check` accepts the answer; Enter takes the default.
    ///
    /// - Returns: the answer as typed (the default when Enter was pressed), empty for a skipped
    ///   optional field.
    mutating func ask(
        _ label: String,
        default suggested: String?,
        optional: Bool,
        check: (String) throws(ValidationFailure) -> String?
    ) throws -> String {
        let prompt = label + (optional ? text.optional : "") + (suggested.map { " [\($0)]" } ?? "") + text.colon
        while true {
            terminal.write(prompt)
            guard let line = terminal.readLine() else { throw endOfInput() }
            var typed = line
            if typed.trimmingCharacters(in: .whitespaces).isEmpty { typed = suggested ?? "" }
            if typed.unicodeScalars.contains("\u{FFFD}") {
                say("  ✗ " + text.notUTF8(label) + ".")
                continue
            }
            do {
                let value = try check(typed)
                return value == nil ? "" : typed
            } catch {
                for issue in error.issues { say("  ✗ \(issue).") }
            }
        }
    }

    /// Asks a yes-or-no question; Enter is no.
    mutating func confirm(_ question: String) throws -> Bool {
        while true {
            terminal.write(question + " ")
            guard let line = terminal.readLine() else { throw endOfInput() }
            let answer = HalfWidth.normalise(line, upperCase: false).trimmingCharacters(in: .whitespaces).lowercased()
            switch answer {
            case "y", "yes", "是", "好", "确认": return true
            case "", "n", "no", "否", "不": return false
            default: say(text.answerYesOrNo)
            }
        }
    }

    /// Ends the question's line, so the message that follows starts a line of its own.
    mutating func endOfInput() -> InterviewCancelled {
        terminal.write("\n")
        return .endOfInput(text.language)
    }

    /// Writes one line.
    mutating func say(_ line: String) { terminal.write(line + "\n") }
}
