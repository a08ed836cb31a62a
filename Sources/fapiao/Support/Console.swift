import FapiaoCommandSupport
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one line to standard error, prefixed `fapiao: `.
func printError(_ message: String) {
    FileHandle.standardError.write(utf8: "fapiao: \(message)\n")
}

/// Writes a line to standard error without a prefix (progress and notes for people).
func printNote(_ message: String) {
    FileHandle.standardError.write(utf8: "\(message)\n")
}

/// Progress on standard error, only when it is a terminal, redrawn on one line.
struct Progress {
    let label: String
    let enabled = isatty(STDERR_FILENO) == 1

    func update(_ done: Int, _ total: Int) {
        guard enabled else { return }
        FileHandle.standardError.write(utf8: "\r\(label) \(done.grouped)/\(total.grouped)\u{1B}[K")
        if done == total { FileHandle.standardError.write(utf8: "\n") }
    }

    /// Shows a running count when the total is not known in advance.
    func count(_ done: Int) {
        guard enabled else { return }
        FileHandle.standardError.write(utf8: "\r\(label) \(done.grouped)\u{1B}[K")
    }

    /// Ends a running count's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(utf8: "\n")
    }
}

/// Log lines from the libraries, on standard error; `FAPIAO_LOG_LEVEL` (trace … critical)
/// sets the level, `warning` by default so a cron job's log shows each failed attempt.
enum CommandLogging {
    static func logger(_ label: String) -> Logger {
        let name = ProcessEnvironment.value("FAPIAO_LOG_LEVEL") ?? ""
        let level = Logger.Level(rawValue: name.lowercased()) ?? defaultLevel.withLock { $0 }
        return format.withLock { $0 }.logger(label: label, level: level)
    }

    private static let format = Mutex(LogFormat.text)

    /// `sync --log-format json`: the log records as JSON lines from now on.
    static func use(_ logFormat: LogFormat) {
        format.withLock { $0 = logFormat }
    }

    private static let defaultLevel = Mutex(Logger.Level.warning)

    /// `sync --cron`: the failed attempts of a run are not logged unless FAPIAO_LOG_LEVEL asks.
    static func quietUnlessAsked() {
        defaultLevel.withLock { $0 = .critical }
    }
}
