import FapiaoCore

/// The clerk stopped the questions before the end; nothing was written (exit 130).
public struct InterviewCancelled: CategorizedError, Hashable, Sendable, CustomStringConvertible {
    /// One sentence saying how the questions ended and that nothing was written.
    public var message: String

    public init(message: String) { self.message = message }

    public var description: String { message }
    public var category: ErrorCategory { .cancelled }

    /// Standard input ended (Ctrl-D) before the invoice was confirmed.
    public static func endOfInput(_ language: InterviewLanguage) -> InterviewCancelled {
        InterviewCancelled(message: InterviewText(language).endOfInput)
    }

    /// The clerk answered no to "Write this invoice?".
    public static func declined(_ language: InterviewLanguage) -> InterviewCancelled {
        InterviewCancelled(message: InterviewText(language).declined)
    }
}
