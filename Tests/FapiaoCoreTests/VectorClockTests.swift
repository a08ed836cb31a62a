import FapiaoCore
import FapiaoTesting
import Testing

@Suite struct VectorClockTests {
    static let nodes = ["bj-01", "sh-02", "central", "gz-03"]

    func randomClock(_ random: inout SeededGenerator) -> VectorClock {
        var counters: [String: UInt64] = [:]
        for node in Self.nodes { counters[node] = UInt64.random(in: 0...3, using: &random) }
        return VectorClock(counters)
    }

    func mirrored(_ order: VectorClock.Order) -> VectorClock.Order {
        switch order {
        case .before: .after
        case .after: .before
        case .equal: .equal
        case .concurrent: .concurrent
        }
    }

    @Test func incrementCountsChangesPerNode() {
        let empty = VectorClock()
        let once = empty.incremented(at: "bj-01")
        let twice = once.incremented(at: "bj-01")
        let elsewhere = twice.incremented(at: "central")
        #expect(empty["bj-01"] == 0)
        #expect(once["bj-01"] == 1)
        #expect(twice["bj-01"] == 2)
        #expect(elsewhere == VectorClock(["bj-01": 2, "central": 1]))
        #expect(once == VectorClock(["bj-01": 1]))  // values, not references
    }

    @Test func zeroCountersAreTheSameAsAbsentOnes() {
        #expect(VectorClock(["bj-01": 0]) == VectorClock())
        #expect(VectorClock(["bj-01": 0, "central": 2]).counters == ["central": 2])
        #expect(VectorClock(["bj-01": 0]).compare(to: VectorClock()) == .equal)
    }

    @Test func mergeTakesTheMaximumOfEachCounter() {
        let a = VectorClock(["bj-01": 2, "central": 1])
        let b = VectorClock(["central": 3, "sh-02": 1])
        #expect(a.merged(with: b) == VectorClock(["bj-01": 2, "central": 3, "sh-02": 1]))
        #expect(a.merged(with: VectorClock()) == a)
    }

    @Test(arguments: [
        ([String: UInt64](), [String: UInt64](), VectorClock.Order.equal),
        (["bj-01": 1], ["bj-01": 1], .equal),
        ([:], ["bj-01": 1], .before),
        (["bj-01": 1], ["bj-01": 2], .before),
        (["bj-01": 1], ["bj-01": 1, "central": 1], .before),
        (["bj-01": 2], ["bj-01": 1], .after),
        (["bj-01": 2, "central": 1], ["bj-01": 2], .after),
        (["bj-01": 2], ["bj-01": 1, "central": 1], .concurrent),
        (["bj-01": 1], ["central": 1], .concurrent),
    ])
    func compares(lhs: [String: UInt64], rhs: [String: UInt64], order: VectorClock.Order) {
        let a = VectorClock(lhs)
        let b = VectorClock(rhs)
        #expect(a.compare(to: b) == order)
        #expect(b.compare(to: a) == mirrored(order))
        #expect(a.dominates(b) == (order == .after))
    }

    @Test func aResolutionDominatesBothConflictingVersions() {
        let local = VectorClock(["bj-01": 2, "central": 1])
        let remote = VectorClock(["bj-01": 1, "central": 2])
        #expect(local.compare(to: remote) == .concurrent)
        let resolution = local.merged(with: remote).incremented(at: "bj-01")
        #expect(resolution.dominates(local))
        #expect(resolution.dominates(remote))
    }

    @Test func propertiesHoldForRandomClocks() {
        var random = SeededGenerator(seed: 4)
        for _ in 0..<2_000 {
            let a = randomClock(&random)
            let b = randomClock(&random)
            let c = randomClock(&random)
            let merged = a.merged(with: b)
            // The merge is after or equal to both inputs, and is the least such clock.
            #expect([.after, .equal].contains(merged.compare(to: a)), "\(a) ∨ \(b)")
            #expect([.after, .equal].contains(merged.compare(to: b)), "\(a) ∨ \(b)")
            for node in Self.nodes { #expect(merged[node] == max(a[node], b[node])) }
            // Commutative, associative, idempotent.
            #expect(merged == b.merged(with: a))
            #expect(a.merged(with: b.merged(with: c)) == merged.merged(with: c))
            #expect(a.merged(with: a) == a)
            // Compare is antisymmetric, and equal exactly when the clocks are equal.
            #expect(a.compare(to: b) == mirrored(b.compare(to: a)))
            #expect((a.compare(to: b) == .equal) == (a == b))
            #expect(a.compare(to: a) == .equal)
            // An increment is strictly after.
            #expect(a.incremented(at: "bj-01").compare(to: a) == .after)
            // Before is transitive.
            if a.compare(to: b) == .before, b.compare(to: c) == .before { #expect(a.compare(to: c) == .before) }
        }
    }

    @Test func canonicalTextRoundTrips() {
        let clock = VectorClock(["central": 1, "bj-01": 2])
        #expect(clock.description == #"{"bj-01":2,"central":1}"#)
        #expect(VectorClock(parsing: clock.description) == clock)
        #expect(VectorClock(parsing: "{}") == VectorClock())
        #expect(VectorClock(parsing: #"{"a":9007199254740992}"#)?["a"] == VectorClock.maximumCounter)
        // Past the bound a counter is refused when read (it once trapped the centre when hashed).
        #expect(VectorClock(parsing: #"{"a":18446744073709551615}"#) == nil)
    }

    /// The clock written directly is its canonical JSON's bytes, whatever its nodes.
    @Test func theDirectWriterGivesTheCanonicalBytes() {
        for clock in [
            VectorClock(), VectorClock(["bj-01": 3]), VectorClock(["q\"uote 北京": 9]),
            VectorClock(["central": 12, "bj-01": 2, "a": 1, "B": 7]),
            VectorClock(["é": 1, "e": 2, "北京": 3, "\u{E000}": 4, "😀": 5, "q\"uote": 6]),
            VectorClock(["far": UInt64.max]),
        ] {
            var written: [UInt8] = []
            clock.writeCanonical(into: &written)
            #expect(written == clock.canonicalJSON.bytes)
            #expect(clock.description == clock.canonicalJSON.text)
        }
    }

    @Test(arguments: [#"{"a":-1}"#, #"{"a":1.5}"#, #"{"a":"1"}"#, "[1]", #"{"a":1e3}"#, "", #"{"a":1"#, "null"])
    func parsingRefusesAnythingButCounters(text: String) {
        #expect(VectorClock(parsing: text) == nil)
    }

    /// Both readers give the same answer on each of these.
    ///
    /// The canonical form is read straight from its bytes; every other spelling goes through the
    /// JSON parser.
    @Test(arguments: [
        #"{"bj-01":3,"central":1}"#, #"{"central":1,"bj-01":3}"#, #"{ "a" : 1 }"#, #"{"a":01}"#, #"{"a":0}"#,
        #"{"a":1,"a":2}"#, #"{"b":1,"a":2}"#, #"{"":4}"#, #"{"a\u0062":1}"#, #"{"北京":2}"#, #"{"a":1,}"#,
        #"{"a":1}}"#, #"{"a":12345678901234567}"#, #"{"a":9007199254740993}"#, #"{"a":1,"b"}"#, "{", "}",
        #"{"a":-0}"#, #"{"a\"b":1}"#, "{\"a\u{7F}\":1}",
    ])
    func theCanonicalReaderAgreesWithTheJSONParser(text: String) {
        #expect(VectorClock(parsing: text) == VectorClock.parsingJSON(text), "\(text)")
    }

    @Test func theCanonicalReaderReadsWhatTheWriterWrites() {
        var generator = SeededGenerator(seed: 16)
        for _ in 0..<500 {
            var counters: [String: UInt64] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                let name = String(
                    (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                        Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator)))
                    }
                )
                counters[name] = UInt64.random(in: 0...VectorClock.maximumCounter, using: &generator)
            }
            let clock = VectorClock(counters)
            #expect(VectorClock(parsing: clock.description) == clock)
            #expect(VectorClock.parsingJSON(clock.description) == clock)
        }
    }
}
