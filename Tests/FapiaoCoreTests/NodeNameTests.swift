import FapiaoCore
import Testing

/// The one node-name rule (``NodeName``): which names every node may take, which only an
/// earlier centre may keep, and the sentence that refuses the rest.
@Suite struct NodeNameTests {
    static let accepted = [
        "bj-chaoyang-01", "central", "a", "0", "9-lives", "bj--01", "bj-", String(repeating: "z", count: 63),
    ]

    static let refused = [
        "", "-bj", "BJ-01", "Bj", "bj_01", "bj.01", "bj 01", " bj", "bj\n", "bj/01", "../central", "北京-01",
        "ｂｊ-01", "bj\u{0}", "bj-01\u{301}", String(repeating: "z", count: 64),
    ]

    @Test(arguments: accepted)
    func aNameOfLowerCaseLettersDigitsAndDashesIsANode(name: String) throws {
        #expect(NodeName.isValid(name))
        #expect(try NodeName.validate(name) == name)
        #expect(NodeName.isCentreNode(name))
    }

    @Test(arguments: refused)
    func anyOtherNameIsRefusedNamingTheRule(name: String) {
        #expect(!NodeName.isValid(name))
        #expect(throws: NodeNameError.self) { try NodeName.validate(name) }
        do {
            try NodeName.validate(name, field: "--node")
        } catch {
            #expect(error.message.hasPrefix("--node \""))
            #expect(error.message.contains("1 to 63 lower-case letters, digits or '-', not starting with '-'"))
            #expect(error.message.hasSuffix("(for example bj-chaoyang-01)."))
            #expect(!error.message.contains("\n"), "one line, whatever the name holds")
            #expect(error.category == .usage)
        }
    }

    @Test func aLongNameIsCutInTheMessage() {
        let name = String(repeating: "x", count: 10_000)
        let message = NodeNameError(name: name, field: "node").message
        #expect(message.count < 250)
        #expect(message.contains(String(repeating: "x", count: 64) + "…"))
    }

    @Test func controlCharactersAreShownEscaped() {
        let message = NodeNameError(name: "bj\n01\u{1B}", field: "node").message
        #expect(message.hasPrefix(#"node "bj\n01\u{1B}" must be"#))
    }

    /// Names an earlier centre may hold for itself, and names nothing may hold.
    @Test(arguments: [
        ("HQ", true), ("hq.central", true), ("Central_01", true), (String(repeating: "C", count: 64), true),
        ("_hq", false), (".hq", false), ("-hq", false), ("hq central", false), ("", false),
        (String(repeating: "C", count: 65), false), ("总部", false),
    ])
    func theCentreKeepsANameInTheEarlierWiderForm(name: String, kept: Bool) {
        #expect(NodeName.isCentreNode(name) == kept)
        #expect(!NodeName.isValid(name), "never a name a branch or a new token may take")
    }
}
