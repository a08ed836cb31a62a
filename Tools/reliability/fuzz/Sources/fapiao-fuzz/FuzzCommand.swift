import ArgumentParser
import FapiaoFuzzing
import Foundation

/// The seeded mutation driver of the reliability harness's short form, and the way to replay
/// an input libFuzzer saved.
@main
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fapiao-fuzz",
        abstract: "Feed a parser seeded mutations of its corpus, or replay saved inputs.",
        discussion: """
            Every input a parser refuses is fine; a trap, a broken property or an input slower \
            than --hang-seconds is a finding: the input is written to --crash-file and the \
            exit status is non-zero. The same seed and corpus give the same inputs.

            Examples:
              fapiao-fuzz --list
              fapiao-fuzz json --corpus Tools/reliability/fuzz/corpus/json --seconds 5 --seed 7
              fapiao-fuzz push --replay crash-1234      # an input libFuzzer saved
            """
    )

    @Flag(help: "List the targets and exit.") var list = false
    @Argument(help: "The target (see --list).") var target: String?
    @Option(help: "A folder of seed inputs.") var corpus: String?
    @Option(help: "Replay these files instead of mutating.") var replay: [String] = []
    @Option(help: "The seed of the mutations.") var seed: UInt64 = 1
    @Option(help: "Stop after this many seconds.") var seconds: Double = 10
    @Option(help: "Stop after this many inputs.") var iterations: Int = .max
    @Option(help: "Where the input being run is written, so a crash leaves it behind.") var crashFile: String?
    @Option(help: "An input slower than this is a hang.") var hangSeconds: Double = 5

    func run() throws {
        if list {
            for target in FuzzTarget.all { print("\(target.name)\t\(target.summary)") }
            return
        }
        guard let name = target, let target = FuzzTarget.named(name) else {
            throw ValidationError(
                "the target must be one of \(FuzzTarget.all.map(\.name).joined(separator: ", ")), not \(self.target ?? "nothing")"
            )
        }
        let crash = try crashFile.map(CrashRecorder.init(path:))
        if !replay.isEmpty {
            for path in replay {
                let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                try crash?.record(input)
                target.run(input)
            }
            print("\(name): replayed \(replay.count) inputs, no finding")
            return
        }
        let seeds = try corpus.map(Self.readCorpus) ?? []
        var mutator = FuzzMutator(seed: seed)
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(seconds * 1000))
        var count = 0
        var slowest = Duration.zero
        while count < iterations {
            let input: [UInt8] =
                count < seeds.count
                ? seeds[count] : mutator.mutate(seeds.isEmpty ? [] : seeds[mutator.below(seeds.count)], corpus: seeds)
            try crash?.record(input)
            let took = clock.measure { target.run(input) }
            slowest = max(slowest, took)
            count += 1
            if took > .milliseconds(Int64(hangSeconds * 1000)) {
                print("\(name): seed \(seed): input \(count) took \(took), past the \(hangSeconds) s hang limit")
                throw ExitCode(3)
            }
            if count % 1024 == 0, clock.now > deadline { break }
        }
        try crash?.clear()
        print(
            "\(name): seed \(seed): \(count) inputs (\(min(count, seeds.count)) from the corpus), no finding; slowest \(slowest)"
        )
    }

    static func readCorpus(_ folder: String) throws -> [[UInt8]] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        return try names.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent($0))) }
    }
}

/// Keeps the input being run in a file, overwritten in place for each input (no fsync: it only
/// has to survive the process, not the machine).
struct CrashRecorder {
    let handle: FileHandle
    let path: String

    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("--crash-file \(path) cannot be written")
        }
        self.handle = handle
        self.path = path
    }

    func record(_ input: [UInt8]) throws {
        try handle.truncate(atOffset: 0)
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: input)
    }

    func clear() throws {
        try handle.close()
        try FileManager.default.removeItem(atPath: path)
    }
}
