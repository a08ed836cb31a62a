import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

extension Enqueue {
    /// Whether to ask for the invoice: no fields given, and `--interactive` or a terminal on both
    /// standard input and output.
    var asksFieldByField: Bool {
        json == nil && fields.fields.isEmpty && (interactive || StandardTerminal.isInteractive)
    }

    /// Asks for the invoice on the terminal, each answer checked by the journal's rules, and
    /// returns it once the clerk confirms it.
    ///
    /// - Throws: ``InterviewCancelled`` (exit 130) when the clerk stops; nothing is written.
    func askForInvoice(_ journal: Journal, options: CaptureOptions) throws -> InvoiceInput {
        let language = InterviewLanguage(flag: lang, environment: ProcessInfo.processInfo.environment)
        let rules = FieldRules(
            policy: journal.settings.policy,
            today: journal.today,
            acceptBadCheckCharacters: options.acceptBadCheckCharacters
        )
        var interview = InvoiceInterview(rules: rules, language: language, terminal: StandardTerminal()) { input in
            InvoicePresentation.summary(try journal.check(input, options: options).invoice)
        }
        InterruptNotice.install(language)
        defer { InterruptNotice.remove() }
        return try interview.run()
    }
}
