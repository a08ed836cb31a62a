// fapiao-bench: measurements of the journal and the central store through the libraries, for
// Tools/bench/run and Tools/bench/sync.
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
           fapiao-bench central --journal J --dir DIR [--batch N] [--parts insert,push]

      enqueue   create a journal at DIR/journal.sqlite, then capture the first N valid
                invoices of FILE (JSONL, as written by Tools/gen) one by one with
                Journal.capture: one durable transaction each (WAL, synchronous=FULL).
                Prints enqueue_count, enqueue_seconds and enqueue_per_second.

      central   read every queued operation of the branch journal J (read-only; not timed),
                then, each into a fresh central store in DIR:
                  insert  the ceiling: the rows SQLiteCentralStore would write for them
                          (central_invoice + central_operation), values computed before
                          the clock starts, inserted in one BEGIN IMMEDIATE transaction
                          with two prepared statements through SQLite's C API (WAL,
                          synchronous=FULL); no HTTP, no rules.
                          Prints insert_seconds and insert_per_second.
                  push    SQLiteCentralStore.push in batches of N (default 500): the
                          central rules and the store's writes, no HTTP, no branch
                          journal. Prints push_seconds and push_per_second.
                Prints central_operations (the count) first.

      DIR is created if missing; the files written in it must not exist yet.
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
    case "central":
        let options = try CentralOptions(parsing: Array(arguments.dropFirst()))
        try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
        let workload = try CentralWorkload(journalAt: options.journal)
        let count = workload.operations.count
        print("central_operations \(count)")
        for part in options.parts {
            let path = (options.directory as NSString).appendingPathComponent("central-\(part.rawValue).sqlite")
            let seconds: Double
            switch part {
            case .insert:
                seconds = try await CentralInsertCeiling(path: path, node: workload.node, rows: workload.rows()).run()
            case .push:
                print("push_batch \(options.batch)")
                seconds = try await CentralPushBenchmark(path: path, workload: workload, batch: options.batch).run()
            }
            print("\(part.rawValue)_seconds \(String(format: "%.6f", seconds))")
            print("\(part.rawValue)_per_second \(String(format: "%.1f", Double(count) / seconds))")
        }
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
