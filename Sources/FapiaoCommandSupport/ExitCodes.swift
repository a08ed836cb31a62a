import ArgumentParser
import FapiaoCore

/// The exit codes of `fapiao` and `fapiao-central`, one table for both (BSD sysexits).
///
/// Libraries say what a failure means (``ErrorCategory``); this table alone turns that into
/// a number, so the two executables cannot disagree. The README's table lists the same codes.
public enum ExitCodes {
    /// Done.
    public static let done: Int32 = 0
    /// Done, but something needs attention (open conflicts, quarantined invoices).
    public static let attention: Int32 = 1
    public static let usage: Int32 = 64
    public static let invalidData: Int32 = 65
    public static let notFound: Int32 = 66
    public static let unavailable: Int32 = 69
    /// A damaged file, tampered history, or a failure the program did not foresee (EX_SOFTWARE).
    public static let damaged: Int32 = 70
    public static let alreadyExists: Int32 = 73
    public static let ioError: Int32 = 74
    /// Busy: another process holds the journal or the sync lease; try again later.
    public static let busy: Int32 = 75
    public static let protocolViolation: Int32 = 76
    public static let permission: Int32 = 77
    public static let foreignFile: Int32 = 78
    /// The branch's audit chain does not continue the copy anchored at the centre (a journal
    /// rewritten, truncated or replaced); pushes are refused until HQ acknowledges it.
    public static let chainBreak: Int32 = 79
    /// Stopped by the person at the terminal before anything was written: Ctrl-C (128 + SIGINT,
    /// as a shell reports it), Ctrl-D, or no to "Write this invoice?".
    public static let cancelled: Int32 = 130

    /// Every category with its code and what the README says of it, in code order.
    public static let table: [(category: ErrorCategory, code: Int32, meaning: String)] = [
        (.usage, usage, "usage: a flag, argument or setting is malformed or missing"),
        (.invalidData, invalidData, "invalid invoice data, or a change the rules forbid"),
        (.notFound, notFound, "not found: a file, invoice or conflict named does not exist"),
        (.unavailable, unavailable, "the remote is unavailable; everything stays queued"),
        (.damaged, damaged, "a damaged file or tampered history"),
        (.internalFailure, damaged, "a failure the program did not foresee (report it)"),
        (.alreadyExists, alreadyExists, "already exists"),
        (.ioError, ioError, "I/O error or disk full; nothing was written"),
        (.busy, busy, "busy: another process holds the journal or the sync lease; try again later"),
        (.protocolViolation, protocolViolation, "the remote broke the protocol"),
        (.permission, permission, "credentials refused, or a secret file readable by others"),
        (.foreignFile, foreignFile, "not a Fapiao file, or one from a newer version"),
        (.chainBreak, chainBreak, "chain break: the audit chain does not continue the one anchored at the centre"),
        (.cancelled, cancelled, "cancelled at the terminal (Ctrl-C, Ctrl-D, or no at the end); nothing was written"),
    ]

    /// The exit code for a failure of `category`.
    public static func code(for category: ErrorCategory) -> Int32 {
        table.first { $0.category == category }?.code ?? damaged
    }

    /// The exit code for an error a command could not handle: its category's code, 64 for an
    /// argument the parser refused, 70 for anything unforeseen.
    public static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as any CategorizedError: code(for: error.category)
        case is ValidationError: usage
        case let error as ExitCode: error.rawValue
        default: damaged
        }
    }
}
