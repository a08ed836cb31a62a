/// One parser that takes outside input, with the properties every input must keep.
///
/// The body throws nothing and returns nothing: an input the parser refuses is fine, a trap,
/// a hang or a broken property (checked with `precondition`, so it traps in every build) is
/// a finding. The same bodies run under libFuzzer (`Tools/reliability/fuzz/libfuzzer`) and
/// under the seeded mutation driver `fapiao-fuzz` that the short form of the harness uses.
public struct FuzzTarget: Sendable {
    /// The name used on the command line and as the corpus folder's name.
    public let name: String
    /// What the target feeds and checks, for `fapiao-fuzz --list`.
    public let summary: String
    private let body: @Sendable ([UInt8]) -> Void

    init(name: String, summary: String, body: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    /// Feeds one input.
    public func run(_ input: [UInt8]) { body(input) }

    /// Every target, in the order the harness runs them.
    public static let all: [FuzzTarget] = [
        json, push, anchor, answers, invoice, jsonl, csv, decimal, taxID, date, clock, location,
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}
