/// Where ``InvoiceInterview`` asks its questions and reads the answers: the real terminal in
/// `fapiao enqueue`, a script of answers in tests.
public protocol InterviewTerminal {
    /// Writes `text` as it is; a question ends without a line break so the answer follows it.
    mutating func write(_ text: String)
    /// The next line typed, without its line break; `nil` at the end of input (Ctrl-D).
    ///
    /// Bytes that are not UTF-8 come back as U+FFFD, which the interview refuses.
    mutating func readLine() -> String?
}
