/// What a failure means for the person or script that must act on it.
///
/// Every library error reports one category, and both executables turn a category into an
/// exit code through one table (`ExitCodes` in FapiaoCommandSupport), so a journal that is
/// busy and one that is damaged can never be confused. New categories may be added.
public struct ErrorCategory: Hashable, Sendable, CustomStringConvertible {
    private enum Value: String, Hashable, Sendable {
        case usage, invalidData, notFound, unavailable, damaged, alreadyExists, ioError, busy
        case protocolViolation, permission, foreignFile, internalFailure, chainBreak, cancelled
    }
    private let value: Value
    private init(_ value: Value) { self.value = value }

    /// A flag, argument or setting is malformed or missing.
    public static let usage = ErrorCategory(.usage)
    /// Invoice data, or a change the rules forbid.
    public static let invalidData = ErrorCategory(.invalidData)
    /// A file, invoice or conflict that was named does not exist.
    public static let notFound = ErrorCategory(.notFound)
    /// The remote cannot be reached or cannot take requests now; nothing was lost.
    public static let unavailable = ErrorCategory(.unavailable)
    /// A file is damaged, or its history was tampered with.
    public static let damaged = ErrorCategory(.damaged)
    /// Something that must be created once exists already.
    public static let alreadyExists = ErrorCategory(.alreadyExists)
    /// Reading or writing failed, or the disk is full; nothing was written.
    public static let ioError = ErrorCategory(.ioError)
    /// Another process holds what this one needs (the journal's writer, the sync lease): try again later.
    public static let busy = ErrorCategory(.busy)
    /// The remote answered something that breaks the protocol.
    public static let protocolViolation = ErrorCategory(.protocolViolation)
    /// Credentials were refused, or a secret file is readable by others.
    public static let permission = ErrorCategory(.permission)
    /// Not a Fapiao file, or one written by a newer version.
    public static let foreignFile = ErrorCategory(.foreignFile)
    /// A branch's audit chain does not continue the one anchored at the centre; its pushes are
    /// refused until HQ acknowledges the break.
    public static let chainBreak = ErrorCategory(.chainBreak)
    /// The person at the terminal stopped before the end (Ctrl-C, Ctrl-D, or no to the last
    /// question); nothing was written.
    public static let cancelled = ErrorCategory(.cancelled)
    /// A failure the program did not foresee: a defect to report.
    public static let internalFailure = ErrorCategory(.internalFailure)

    public var description: String { value.rawValue }
}
