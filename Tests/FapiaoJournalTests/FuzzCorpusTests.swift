import FapiaoCore
import FapiaoFuzzing
import FapiaoRemote
import Foundation
import Testing

/// Every fuzz target's seed corpus (Tools/reliability/fuzz/corpus) replays without a finding,
/// and the corpus reaches the deep paths the fuzzer starts from: a push with an operation whose
/// hash is right, invoices that validate.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tools/reliability/fuzz/corpus")

    static func inputs(_ target: String) throws -> [[UInt8]] {
        let folder = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map {
            try [UInt8](Data(contentsOf: folder.appendingPathComponent($0)))
        }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func theCorpusReplays(_ name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let inputs = try Self.inputs(name)
        #expect(!inputs.isEmpty, "no seed inputs for \(name)")
        for input in inputs { target.run(input) }
    }

    @Test func thePushCorpusHoldsAnOperationTheCentreAccepts() throws {
        var decoded = 0
        for input in try Self.inputs("push") {
            let request = try WireFormat.pushItems(from: JSONValue.parse(input))
            for item in request.items {
                if case .operation = item { decoded += 1 }
            }
        }
        #expect(decoded > 0)
    }

    @Test func theMutatorIsAFunctionOfItsSeed() {
        let seed: [UInt8] = Array(#"{"bj-01":1}"#.utf8)
        var first = FuzzMutator(seed: 42)
        var second = FuzzMutator(seed: 42)
        var other = FuzzMutator(seed: 43)
        let a = (0..<50).map { _ in first.mutate(seed, corpus: [seed]) }
        let b = (0..<50).map { _ in second.mutate(seed, corpus: [seed]) }
        let c = (0..<50).map { _ in other.mutate(seed, corpus: [seed]) }
        #expect(a == b)
        #expect(a != c)
    }
}
