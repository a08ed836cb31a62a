import FapiaoCore
import Foundation

extension InvoiceInterview {
    /// Checks the whole invoice (rules between fields, the journal's rules) and asks again for
    /// each field a broken rule names, until none is broken.
    ///
    /// - Returns: the invoice as `review` shows it.
    /// - Throws: ``ValidationFailure`` when a rule names something no answer mends (an offline
    ///   limit, an override without its reason); ``InterviewCancelled`` at the end of input.
    mutating func reviewUntilValid() throws -> String {
        while true {
            let failure: ValidationFailure
            do {
                return try review(input)
            } catch let error as ValidationFailure {
                failure = error
            }
            say("")
            say(text.problems(failure.issues.count))
            for issue in failure.issues { say("  ✗ \(issue).") }
            let places = failure.issues.map { AnswerPlace($0.field, lineCount: lines.count) }
            guard places.allSatisfy({ $0 != nil }) else { throw failure }
            var asked: Set<AnswerPlace> = []
            for case let place? in places where asked.insert(place).inserted {
                try askAgain(place)
            }
        }
    }

    /// Asks one answer again, offering the tax and gross that follow from the other amounts, else
    /// the answer given.
    mutating func askAgain(_ place: AnswerPlace) throws {
        switch place {
        case .header(let field):
            try askHeader(
                field,
                default: suggestion(for: field).flatMap { field == "issueDate" ? nil : $0 } ?? fields[field]
            )
        case .line(let number, let field):
            try askLine(
                field,
                number: number,
                current: lineSuggestion(for: field, line: lines[number - 1]).flatMap { field == "taxRate" ? nil : $0 }
                    ?? lines[number - 1][field]
            )
        }
    }
}

/// An answer a broken rule names: a header field, or a field of one line.
enum AnswerPlace: Hashable {
    case header(String)
    case line(Int, String)

    /// The answer `field` (`net`, `lines[2].tax`) names, `nil` when it is none the clerk gave.
    init?(_ field: String, lineCount: Int) {
        if FieldRules.askedFields.contains(field) {
            self = .header(field)
            return
        }
        guard field.hasPrefix("lines["), let close = field.firstIndex(of: "]"),
            let number = Int(field[field.index(field.startIndex, offsetBy: 6)..<close]),
            (1...max(lineCount, 1)).contains(number), lineCount > 0
        else { return nil }
        let name = String(field[close...].dropFirst(2))
        guard InvoiceInput.lineFields.contains(name) else { return nil }
        self = .line(number, name)
    }
}
