/// A version vector: for each node, how many changes it has made to one invoice.
///
/// Clocks, never wall time, decide which of two versions is newer. If neither clock
/// dominates the other, the versions are concurrent and the difference is a conflict.
public struct VectorClock: Hashable, Sendable, CustomStringConvertible {
    /// Counters by node id; nodes that never changed the invoice are absent (zero).
    public private(set) var counters: [String: UInt64]

    /// The empty clock: the version of an invoice a node has never seen.
    public init() { counters = [:] }

    /// Creates a clock from counters; zero counters are dropped.
    public init(_ counters: [String: UInt64]) { self.counters = counters.filter { $0.value > 0 } }

    /// How two clocks relate.
    public enum Order: String, Hashable, Sendable {
        /// Every counter ≤ the other's and at least one <.
        case before
        /// Every counter ≥ the other's and at least one >.
        case after
        case equal
        /// Each has a counter greater than the other's.
        case concurrent
    }

    /// The counter for `node` (zero when absent).
    public subscript(node: String) -> UInt64 { counters[node] ?? 0 }

    /// The clock after one more change on `node`.
    public func incremented(at node: String) -> VectorClock {
        var copy = self
        copy.counters[node, default: 0] += 1
        return copy
    }

    /// The element-wise maximum of the two clocks.
    public func merged(with other: VectorClock) -> VectorClock {
        VectorClock(counters.merging(other.counters, uniquingKeysWith: max))
    }

    /// How this clock relates to `other`.
    public func compare(to other: VectorClock) -> Order {
        var less = false
        var greater = false
        for node in Set(counters.keys).union(other.counters.keys) {
            let mine = self[node]
            let theirs = other[node]
            if mine < theirs { less = true }
            if mine > theirs { greater = true }
            if less && greater { return .concurrent }
        }
        switch (less, greater) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// Whether this clock is strictly after `other`.
    public func dominates(_ other: VectorClock) -> Bool { compare(to: other) == .after }

    /// The canonical form: an object of node → counter, keys sorted.
    public var canonicalJSON: CanonicalJSON {
        // Counters read from outside are bounded (maximumCounter); one built in code past Int64.max
        // is written as Int64.max rather than trapping.
        .object(counters.mapValues { .integer(Int64(exactly: $0) ?? .max) })
    }

    /// Appends the bytes of ``canonicalJSON``, written without building its dictionary: a sync
    /// writes a clock into every operation's hash, every audit entry and every request.
    public func writeCanonical(into out: inout [UInt8]) {
        func write(_ node: String, _ counter: UInt64) {
            CanonicalJSON.writeString(node, into: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: String(Int64(exactly: counter) ?? .max).utf8)
        }
        out.append(UInt8(ascii: "{"))
        // Most clocks a branch writes name one node (its own): nothing to sort.
        if counters.count == 1, let only = counters.first {
            write(only.key, only.value)
        } else {
            for (index, counter) in CanonicalJSON.sortedMembers(counters).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(counter.key, counter.value)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `{"bj-01":2,"central":1}`.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + counters.count * 24)
        writeCanonical(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The largest counter read from outside (2^53, the largest integer every JSON reader
    /// holds exactly): far beyond any branch's changes, and far enough below `Int64.max` that
    /// ticking a clock never overflows.
    public static let maximumCounter: UInt64 = 1 << 53

    /// Reads the canonical form back.
    ///
    /// `nil` when `value` is not an object of integers from 0 to ``maximumCounter``; the bound
    /// is checked on the digits, before any conversion.
    public init?(json value: JSONValue) {
        guard case .object(let members) = value else { return nil }
        var counters: [String: UInt64] = [:]
        for (node, counter) in members {
            guard case .number(let text) = counter, text.utf8.count <= 16,
                text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let count = UInt64(text), count <= Self.maximumCounter
            else { return nil }
            counters[node] = count
        }
        self.init(counters)
    }

    /// Parses `{"node":1}`.
    ///
    /// A clock in its canonical form (what every stored clock is) is read straight from its
    /// bytes; anything else goes through the JSON parser, which decides (``parsingJSON(_:)``).
    /// A sync reads a clock for every operation and every audit entry it ships.
    public init?(parsing text: String) {
        var text = text
        if let counters = text.withUTF8({ Self.canonicalCounters($0) }) {
            self.init(counters)
            return
        }
        guard let clock = Self.parsingJSON(text) else { return nil }
        self = clock
    }

    /// The clock `text` holds, read through the JSON parser: the reference reader, which
    /// ``init(parsing:)`` must agree with on every input (the `clock` fuzz target checks it).
    public static func parsingJSON(_ text: String) -> VectorClock? {
        guard let value = try? JSONValue.parse(text) else { return nil }
        return VectorClock(json: value)
    }

    /// The counters of a clock written exactly as ``writeCanonical(into:)`` writes it.
    ///
    /// That is: node names of printable ASCII without `"` or `\`, no whitespace, members in byte
    /// order (so no name twice), counters without leading zeros and within ``maximumCounter``.
    /// `nil` for anything else, which the JSON parser then reads or refuses.
    static func canonicalCounters(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: UInt64]? {
        guard let read = canonicalCounters(bytes, from: 0), read.end == bytes.count else { return nil }
        return read.counters
    }

    /// The counters of the clock written as ``writeCanonical(into:)`` writes it from `start`
    /// on, and where it ends; `nil` when the bytes there are not such a clock.
    static func canonicalCounters(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int
    ) -> (counters: [String: UInt64], end: Int)? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "{") else { return nil }
        var counters: [String: UInt64] = [:]
        var index = start + 1
        var previous: UnsafeBufferPointer<UInt8>.SubSequence?
        while true {
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "}") { return (counters, index + 1) }
            if previous != nil {
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let nameStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                let byte = bytes[index]
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            let name = bytes[nameStart..<index]
            if let previous, !previous.lexicographicallyPrecedes(name) { return nil }
            previous = name
            index += 1
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            let digitsStart = index
            var counter: UInt64 = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                counter = counter * 10 + UInt64(bytes[index] - UInt8(ascii: "0"))
                index += 1
                guard index - digitsStart <= 16 else { return nil }
            }
            let digits = index - digitsStart
            guard digits > 0, digits == 1 || bytes[digitsStart] != UInt8(ascii: "0"), counter <= maximumCounter
            else { return nil }
            counters[String(decoding: UnsafeBufferPointer(rebasing: name), as: UTF8.self)] = counter
        }
    }
}
