import FapiaoCentralStore
import FapiaoCore
import Foundation

/// `SQLiteCentralStore.push` in-process: the central rules and the store's writes, without
/// HTTP, JSON on the wire or a branch journal.
///
/// The operations are pushed in batches of `batch`, in journal order, into a fresh store,
/// each batch one durable transaction, as `fapiao-central` does for one `POST /v1/push`.
/// Opening the store happens before the clock starts.
struct CentralPushBenchmark {
    var path: String
    var workload: CentralWorkload
    var batch: Int

    /// Pushes everything and returns the seconds it took.
    ///
    /// - Throws: ``BenchFailure`` when any operation is answered other than `accepted`.
    func run() async throws -> Double {
        let store = try SQLiteCentralStore(path: path, create: true)
        let operations = workload.operations
        var accepted = 0
        let clock = ContinuousClock()
        let start = clock.now
        var index = 0
        while index < operations.count {
            let end = min(index + batch, operations.count)
            let outcomes = try await store.push(Array(operations[index..<end]), from: workload.node)
            accepted += outcomes.count { $0.outcome == .accepted }
            index = end
        }
        let seconds = start.duration(to: clock.now).inSeconds
        try await store.close()
        guard accepted == operations.count else {
            throw BenchFailure(message: "the store accepted \(accepted) of \(operations.count) operations")
        }
        return seconds
    }
}
