import FapiaoCommandSupport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's own terminal for ``InvoiceInterview``: questions on standard output, answers
/// read a line at a time from standard input.
struct StandardTerminal: InterviewTerminal {
    func write(_ text: String) {
        FileHandle.standardOutput.write(utf8: text)
    }

    func readLine() -> String? {
        // Byte by byte with read(2): nothing is read ahead of the line, and a terminal in canonical
        // mode hands over a line at a time anyway.
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { return bytes.isEmpty ? nil : Self.text(bytes) }
            if byte == UInt8(ascii: "\n") { return Self.text(bytes) }
            bytes.append(byte)
        }
    }

    /// A line's bytes as text, without a trailing carriage return.
    private static func text(_ bytes: [UInt8]) -> String {
        let line = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes[...]
        // Text that is not UTF-8 (a GBK terminal) becomes U+FFFD, which the interview refuses
        // rather than storing replacement characters.
        return String(validating: line, as: UTF8.self) ?? "\u{FFFD}"
    }

    /// Whether standard input and standard output are both terminals.
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }
}
