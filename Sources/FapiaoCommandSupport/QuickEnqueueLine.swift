/// The command line a clerk's script runs once per invoice, read without swift-argument-parser:
/// `enqueue --json FILE` with any of `--journal PATH`, `--as NAME` and `--format text|json`,
/// each at most once and in any order, each value the argument after its flag.
///
/// swift-argument-parser builds a command's options by reflection, and the Swift runtime scans
/// every protocol-conformance record of the binary (about 11,900 in `fapiao`) the first time it
/// meets each type: 36 of the 64 million instructions of a whole `fapiao enqueue --json`
/// process (callgrind), paid once per invoice by a script that runs one process per invoice.
///
/// This reads that one shape and nothing else. Anything else gives `nil` and goes to the parser
/// as before: help, any other flag, `--flag=value`, a flag given twice, an empty value, a value
/// starting with `-` (but `-` itself for `--json`: standard input), `--`. What it accepts, the
/// parser reads the same way; `Tools/e2e/capture.sh` runs both and compares them.
public struct QuickEnqueueLine: Hashable, Sendable {
    /// `--json`: the invoice file, or `-` for standard input.
    public var json: String
    /// `--journal`, when given.
    public var journal: String?
    /// `--as`, when given.
    public var actor: String?
    /// `--format json` (`--format text` and no `--format` are the text report).
    public var jsonReport: Bool

    /// Reads the arguments after the program's name, or gives `nil` for any other shape.
    ///
    /// - Parameter arguments: `CommandLine.arguments` without the program's name.
    public init?(arguments: [String]) {
        guard arguments.first == "enqueue", arguments.count % 2 == 1 else { return nil }
        // Plain variables rather than a dictionary: a process's first `[String: String]`
        // costs a scan of every conformance record (see above).
        var json: String?
        var journal: String?
        var actor: String?
        var format: String?
        var index = 1
        while index < arguments.count {
            let value = arguments[index + 1]
            guard !value.isEmpty, !value.hasPrefix("-") || (arguments[index] == "--json" && value == "-") else {
                return nil
            }
            switch arguments[index] {
            case "--json" where json == nil: json = value
            case "--journal" where journal == nil: journal = value
            case "--as" where actor == nil: actor = value
            case "--format" where format == nil: format = value
            default: return nil
            }
            index += 2
        }
        guard let json else { return nil }
        switch format {
        case nil, "text": jsonReport = false
        case "json": jsonReport = true
        default: return nil
        }
        self.json = json
        self.journal = journal
        self.actor = actor
    }
}
