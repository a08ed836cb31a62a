import ArgumentParser
import Logging

/// How log records are written on standard error (`--log-format`).
public enum LogFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// swift-log's text line: `2026-12-04T21:42:40+0000 info fapiao-central: store=… store open`.
    case text
    /// One JSON object per record and line (``JSONLogHandler``).
    case json

    /// A logger writing records at `level` and above to standard error in this format.
    ///
    /// - Parameters:
    ///   - label: the logger's label (`fapiao-central`).
    ///   - level: the lowest level written.
    /// - Returns: the logger.
    public func logger(label: String, level: Logger.Level) -> Logger {
        var logger =
            switch self {
            case .text: Logger(label: label) { StreamLogHandler.standardError(label: $0) }
            case .json: Logger(label: label) { JSONLogHandler.standardError(label: $0) }
            }
        logger.logLevel = level
        return logger
    }
}
