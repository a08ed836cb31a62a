import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one line to standard error, prefixed `fapiao: `.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("fapiao: \(message)\n".utf8))
}

/// Writes a line to standard error without a prefix (progress and notes for people).
func printNote(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// Progress on standard error, only when it is a terminal, redrawn on one line.
struct Progress {
    let label: String
    let enabled = isatty(STDERR_FILENO) == 1

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(label) \(done.grouped)/\(total.grouped)\u{1B}[K".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Shows a running count when the total is not known in advance.
    func count(_ done: Int) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(label) \(done.grouped)\u{1B}[K".utf8))
    }

    /// Ends a running count's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

extension Int {
    /// `100000` → `100,000`.
    var grouped: String {
        let digits = String(self.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }
}

/// Terminal display width: CJK characters take two columns.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6:
            width + 2
        default:
            width + 1
        }
    }
}

/// Cuts `text` to at most `width` display columns, marking the cut with `…`.
func truncated(_ text: String, width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    var out = ""
    for character in text {
        if displayWidth(out + String(character)) > width - 1 { break }
        out.append(character)
    }
    return out + "…"
}

/// Renders rows as aligned columns for people.
func table(_ header: [String], _ rows: [[String]]) -> String {
    var widths = header.map(displayWidth)
    for row in rows {
        for (index, cell) in row.enumerated() where index < widths.count {
            widths[index] = max(widths[index], displayWidth(cell))
        }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - displayWidth(cell))
        }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}

/// Log lines from the libraries, on standard error; `FAPIAO_LOG_LEVEL` (trace … critical)
/// sets the level, `warning` by default so a cron job's log shows each failed attempt.
enum CommandLogging {
    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label, factory: { StreamLogHandler.standardError(label: $0) })
        let name = ProcessInfo.processInfo.environment["FAPIAO_LOG_LEVEL"] ?? "warning"
        logger.logLevel = Logger.Level(rawValue: name.lowercased()) ?? .warning
        return logger
    }
}
