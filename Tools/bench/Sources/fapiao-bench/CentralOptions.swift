/// The arguments of `fapiao-bench central`.
struct CentralOptions {
    /// The two measurements `central` can make.
    enum Part: String, CaseIterable {
        /// Raw prepared-statement inserts of the rows, one transaction: the ceiling.
        case insert
        /// `SQLiteCentralStore.push` in batches: the rules, no HTTP, no branch journal.
        case push
    }

    var journal: String
    var directory: String
    var batch = 500
    var parts: [Part] = Part.allCases

    /// Reads `--journal J --dir DIR [--batch N] [--parts insert,push]`, in any order.
    init(parsing arguments: [String]) throws {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard ["--journal", "--dir", "--batch", "--parts"].contains(name) else {
                throw BenchFailure.usage("unknown option \"\(name)\"")
            }
            guard index + 1 < arguments.count else { throw BenchFailure.usage("\(name) needs a value") }
            values[name] = arguments[index + 1]
            index += 2
        }
        guard let journal = values["--journal"], let directory = values["--dir"] else {
            throw BenchFailure.usage("--journal and --dir are required")
        }
        self.journal = journal
        self.directory = directory
        if let text = values["--batch"] {
            guard let batch = Int(text), batch > 0 else {
                throw BenchFailure.usage("--batch must be a positive integer, not \"\(text)\"")
            }
            self.batch = batch
        }
        if let text = values["--parts"] {
            var parts: [Part] = []
            for name in text.split(separator: ",") {
                guard let part = Part(rawValue: String(name)) else {
                    throw BenchFailure.usage("--parts takes insert and/or push, not \"\(name)\"")
                }
                parts.append(part)
            }
            guard !parts.isEmpty else { throw BenchFailure.usage("--parts needs insert, push or both") }
            self.parts = parts
        }
    }
}
