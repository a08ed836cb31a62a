import FapiaoCommandSupport
import Foundation

/// Answers from a script, one per question, and a transcript of everything said.
struct ScriptedTerminal: InterviewTerminal {
    var answers: [String]
    var transcript = ""

    init(_ answers: [String]) { self.answers = answers }

    mutating func write(_ text: String) { transcript += text }

    mutating func readLine() -> String? {
        guard !answers.isEmpty else { return nil }
        let answer = answers.removeFirst()
        transcript += answer + "\n"  // as a terminal echoes it
        return answer
    }

    /// How many times `question` was asked.
    func count(_ question: String) -> Int { transcript.components(separatedBy: question).count - 1 }
}
