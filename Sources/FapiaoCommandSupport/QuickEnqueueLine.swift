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
        var values: [String: String] = [:]
        var index = 1
        while index < arguments.count {
            let flag = arguments[index]
            let value = arguments[index + 1]
            guard Self.flags.contains(flag), values[flag] == nil, !value.isEmpty else { return nil }
            guard !value.hasPrefix("-") || (flag == "--json" && value == "-") else { return nil }
            values[flag] = value
            index += 2
        }
        guard let json = values["--json"] else { return nil }
        switch values["--format"] {
        case nil, "text": jsonReport = false
        case "json": jsonReport = true
        default: return nil
        }
        self.json = json
        journal = values["--journal"]
        actor = values["--as"]
    }

    private static let flags: Set<String> = ["--json", "--journal", "--as", "--format"]
}
