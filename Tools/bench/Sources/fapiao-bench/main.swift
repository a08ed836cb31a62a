// fapiao-bench: measurements of the journal through the library, for Tools/bench/run.
//
// Prints machine-readable `name value` lines on standard output; everything else goes
// to standard error. Build and run it in release mode: a debug build measures the
// compiler's checks, not the journal.

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let usage = """
    usage: fapiao-bench enqueue --input FILE --count N --dir DIR

      enqueue   create a journal at DIR/journal.sqlite, then capture the first N valid
                invoices of FILE (JSONL, as written by Tools/gen) one by one with
                Journal.capture: one durable transaction each (WAL, synchronous=FULL).
                Prints enqueue_count, enqueue_seconds and enqueue_per_second.

      DIR is created if missing; DIR/journal.sqlite must not exist yet.
    """

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(arguments.isEmpty ? BenchFailure.usageStatus : 0)
}

do {
    switch arguments[0] {
    case "enqueue":
        let options = try EnqueueOptions(parsing: Array(arguments.dropFirst()))
        let result = try EnqueueBenchmark(options: options).run()
        print("enqueue_count \(result.count)")
        print("enqueue_seconds \(String(format: "%.6f", result.seconds))")
        print("enqueue_per_second \(String(format: "%.1f", result.perSecond))")
    default:
        throw BenchFailure.usage("unknown benchmark \"\(arguments[0])\"")
    }
} catch let failure as BenchFailure {
    FileHandle.standardError.write(Data("fapiao-bench: \(failure.message)\n".utf8))
    if failure.isUsage { FileHandle.standardError.write(Data((usage + "\n").utf8)) }
    exit(failure.isUsage ? BenchFailure.usageStatus : 1)
} catch {
    FileHandle.standardError.write(Data("fapiao-bench: \(error)\n".utf8))
    exit(1)
}
