import FapiaoCore
import FapiaoJournal
import Foundation

/// A failure that ends the benchmark, with the message to print.
struct BenchFailure: Error {
    /// The exit status for a usage error (BSD `EX_USAGE`).
    static let usageStatus: Int32 = 64

    var message: String
    var isUsage = false

    static func usage(_ message: String) -> BenchFailure { BenchFailure(message: message, isUsage: true) }
}

/// The arguments of `fapiao-bench enqueue`.
struct EnqueueOptions {
    var input: String
    var count: Int
    var directory: String

    /// Reads `--input FILE --count N --dir DIR`, in any order.
    init(parsing arguments: [String]) throws {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard ["--input", "--count", "--dir"].contains(name) else {
                throw BenchFailure.usage("unknown option \"\(name)\"")
            }
            guard index + 1 < arguments.count else { throw BenchFailure.usage("\(name) needs a value") }
            values[name] = arguments[index + 1]
            index += 2
        }
        guard let input = values["--input"], let countText = values["--count"], let directory = values["--dir"] else {
            throw BenchFailure.usage("--input, --count and --dir are required")
        }
        guard let count = Int(countText), count > 0 else {
            throw BenchFailure.usage("--count must be a positive integer, not \"\(countText)\"")
        }
        self.input = input
        self.count = count
        self.directory = directory
    }
}

/// What one enqueue run measured.
struct EnqueueResult {
    var count: Int
    var seconds: Double

    var perSecond: Double { Double(count) / seconds }
}

/// Durable single-invoice enqueue: `Journal.capture` once per invoice, each its own
/// transaction, the way a clerk's `fapiao enqueue` writes while the central system is down.
///
/// Only the capture loop is timed: reading and parsing the input file and creating the
/// journal happen before the clock starts.
struct EnqueueBenchmark {
    var options: EnqueueOptions

    func run() throws -> EnqueueResult {
        let inputs = try loadInputs()
        let path = (options.directory as NSString).appendingPathComponent("journal.sqlite")
        let journal = try Journal.create(
            at: path,
            settings: JournalSettings(node: "bench", operatorName: "bench"),
            actor: "bench"
        )
        defer { try? journal.close() }
        guard try journal.writerSynchronousMode() == 2 else {
            throw BenchFailure(message: "the journal's writer is not in synchronous=FULL; the figures would be wrong")
        }
        let captureOptions = CaptureOptions(actor: "bench", source: "bench")
        let clock = ContinuousClock()
        let start = clock.now
        for input in inputs {
            try journal.capture(input, options: captureOptions)
        }
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return EnqueueResult(count: inputs.count, seconds: seconds)
    }

    /// The first `count` records of the input file that parsed as invoices.
    private func loadInputs() throws -> [InvoiceInput] {
        let rows = try InvoiceFileReader.read(path: options.input, format: .jsonl)
        let inputs = rows.lazy.compactMap { try? $0.input.get() }.prefix(options.count)
        guard inputs.count == options.count else {
            throw BenchFailure(
                message: "\(options.input) has \(inputs.count) readable invoices; --count asks for \(options.count)"
            )
        }
        return Array(inputs)
    }
}
