/// The exit codes as `fapiao --help` and `fapiao-central --help` list them: the one table
/// (``ExitCodes``) in each program's words, every code in both, so the lists cannot drift
/// from the table (a test checks it) and the README lists the same codes.
public enum ExitCodeHelp {
    /// One code and what it means for one program.
    public typealias Entry = (code: Int32, meaning: String)

    /// The codes of `fapiao`.
    ///
    /// A meaning holds no `;`: that separates the codes.
    public static let branch: [Entry] = [
        (ExitCodes.done, "done"),
        (
            ExitCodes.attention,
            "done, attention needed (skipped records, quarantined invoices, open conflicts, differences, a deadline)"
        ),
        (ExitCodes.usage, "usage: a malformed flag, argument or node id"),
        (ExitCodes.invalidData, "invalid invoice data, or a change the rules forbid"),
        (ExitCodes.notFound, "input file, journal, invoice or conflict not found"),
        (ExitCodes.unavailable, "remote unreachable or unavailable, everything stays queued"),
        (
            ExitCodes.damaged,
            "journal damaged, audit chain or export tampered with, or a failure not foreseen (report it)"
        ),
        (ExitCodes.alreadyExists, "journal already exists, or an export directory is not empty"),
        (ExitCodes.ioError, "I/O error or disk full, nothing was written"),
        (ExitCodes.busy, "busy: another sync holds the lease or another command the journal, try later"),
        (ExitCodes.protocolViolation, "the remote (or an exec: program) broke the protocol"),
        (ExitCodes.permission, "permission denied, token refused, or a token or signing-key file readable by others"),
        (ExitCodes.foreignFile, "not a Fapiao journal, or from a newer version"),
        (
            ExitCodes.chainBreak,
            "chain break: the journal's audit chain does not continue the copy anchored at the centre "
                + "(until HQ acknowledges it)"
        ),
        (
            ExitCodes.cancelled,
            "cancelled at the terminal: enqueue's questions stopped by Ctrl-C, Ctrl-D or no, nothing written"
        ),
    ]

    /// The codes of `fapiao-central`.
    public static let central: [Entry] = [
        (ExitCodes.done, "done"),
        (ExitCodes.attention, "done, attention needed (branches: a branch needs it, numbers: a gap or duplicate)"),
        (ExitCodes.usage, "usage: a malformed flag, store URL or node id"),
        (ExitCodes.invalidData, "a change the rules forbid (amend, void)"),
        (ExitCodes.notFound, "store, tokens file, invoice or branch not found, or no such database"),
        (ExitCodes.unavailable, "cannot listen, or the store cannot be reached"),
        (ExitCodes.damaged, "store damaged or an anchored chain altered, or a failure not foreseen (report it)"),
        (
            ExitCodes.alreadyExists,
            "the node already has a token, the --output file exists, or an export directory is not empty"
        ),
        (ExitCodes.ioError, "I/O error or the store's disk is full"),
        (ExitCodes.busy, "the store is busy, try again"),
        (ExitCodes.protocolViolation, "not used here (a branch's remote broke the protocol)"),
        (ExitCodes.permission, "tokens, token or store file open to other users, or the password refused"),
        (ExitCodes.foreignFile, "not a central store, a newer one, another node's, or a malformed tokens file"),
        (ExitCodes.chainBreak, "a branch's audit chain is broken and not acknowledged (audit verify)"),
        (ExitCodes.cancelled, "not used here (a clerk stopped enqueue's questions)"),
    ]

    /// The entries as one paragraph (`Exit codes: 0 done; 1 …; 79 ….`).
    ///
    /// - Parameters:
    ///   - entries: ``branch`` or ``central``.
    ///   - heading: the words before the list.
    /// - Returns: the paragraph, for a command's discussion.
    public static func paragraph(_ entries: [Entry], heading: String = "Exit codes") -> String {
        heading + ": " + entries.map { "\($0.code) \($0.meaning)" }.joined(separator: "; ") + "."
    }
}
