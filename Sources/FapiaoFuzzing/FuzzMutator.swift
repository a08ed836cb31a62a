/// A seeded mutator for the fuzz driver: the same seed and corpus give the same inputs, so a
/// finding replays from the seed the driver printed.
///
/// It is no match for libFuzzer's coverage guidance (the long form of the harness uses that);
/// it gives the short form a fixed-time run with no sanitizer build, mixing byte-level damage
/// with the tokens that break parsers: quotes, brackets, escapes, huge and negative numbers,
/// invalid UTF-8, NULs, deep nesting.
public struct FuzzMutator {
    private var state: UInt64
    /// The longest input produced.
    public var maximumLength = 1 << 16

    public init(seed: UInt64) { state = seed }

    /// SplitMix64: small, fast and good enough for choosing mutations.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    static let tokens: [[UInt8]] =
        [
            "\"", "{", "}", "[", "]", ",", ":", "\\", "\\u0000", "\\ud800", "\\uDFFF", "null", "true", "-",
            ".", "e", "E+", "0", "-0", "1e400", "9223372036854775807", "9223372036854775808",
            "18446744073709551616", "9007199254740993", "-9223372036854775809", "0.000000001",
            "99999999999999999999999.99", "Ｘ", "９", "。", "\r\n", "\n", "\t", " ", "\u{FEFF}", "2026-02-30",
            "2026-12-31T23:59:60.000Z", "0000-00-00", "9999-99-99", "http://", "sqlite:", "postgres://",
            "exec:", "@", "%00", "user:pass@", "\"clock\":{\"a\":", "\"operations\":[", ",\"\":",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":",
        ].map { Array($0.utf8) } + [
            [0x00], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8],
        ]

    /// One mutation of `input`, sometimes spliced with another corpus entry.
    public mutating func mutate(_ input: [UInt8], corpus: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            switch below(9) {
            case 0 where !bytes.isEmpty:  // flip a bit
                let at = below(bytes.count)
                bytes[at] ^= UInt8(1 << below(8))
            case 1 where !bytes.isEmpty:  // replace a byte
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: next())
            case 2 where !bytes.isEmpty:  // delete a range
                let at = below(bytes.count)
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(16)))
            case 3:  // insert a token
                bytes.insert(contentsOf: Self.tokens[below(Self.tokens.count)], at: below(bytes.count + 1))
            case 4 where !bytes.isEmpty:  // duplicate a range
                let at = below(bytes.count)
                let chunk = bytes[at..<min(bytes.count, at + 1 + below(64))]
                bytes.insert(contentsOf: chunk, at: below(bytes.count + 1))
            case 5 where !corpus.isEmpty:  // splice another entry
                let other = corpus[below(corpus.count)]
                guard !other.isEmpty else { break }
                let from = below(other.count)
                bytes.insert(
                    contentsOf: other[from..<min(other.count, from + 1 + below(256))],
                    at: below(bytes.count + 1)
                )
            case 6 where !bytes.isEmpty:  // truncate
                bytes.removeLast(below(bytes.count))
            case 7 where !bytes.isEmpty:  // replace a digit run with an extreme number
                if let at = bytes.indices.first(where: { (0x30...0x39).contains(bytes[$0]) && $0 >= below(bytes.count) }
                ) {
                    var end = at
                    while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
                    bytes.replaceSubrange(at..<end, with: Self.tokens[16 + below(9)])
                }
            default:  // repeat a token many times (deep nesting, long runs)
                let token = Self.tokens[below(Self.tokens.count)]
                let times = 1 + below(2_000)
                var run: [UInt8] = []
                run.reserveCapacity(token.count * times)
                for _ in 0..<times { run += token }
                bytes.insert(contentsOf: run, at: below(bytes.count + 1))
            }
        }
        if bytes.count > maximumLength { bytes.removeLast(bytes.count - maximumLength) }
        return bytes
    }
}
