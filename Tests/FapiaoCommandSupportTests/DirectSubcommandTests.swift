import ArgumentParser
import FapiaoCommandSupport
import Synchronization
import Testing

/// What the toy commands below ran, for the tests to read.
private let ranLeaf = Mutex<[String]>([])

private struct ToyRoot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toy",
        subcommands: [ToyLeaf.self, ToyGroup.self]
    )
}

private struct ToyLeaf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "leaf")

    @Option var count: Int = 1
    @Argument var name: String

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive.") }
    }

    func run() async throws {
        ranLeaf.withLock { $0.append("\(name) ×\(count)") }
    }
}

private struct ToyGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "group", subcommands: [ToyLeaf.self])
}

@Suite(.serialized) struct DirectSubcommandTests {
    func run(_ arguments: [String]) async -> (ran: Bool, leaf: [String]) {
        ranLeaf.withLock { $0 = [] }
        let ran = await ToyRoot.runSubcommandDirectly(arguments)
        return (ran, ranLeaf.withLock { $0 })
    }

    @Test func aLeafSubcommandRunsThroughItsOwnParser() async {
        let result = await run(["leaf", "--count", "3", "北京"])
        #expect(result.ran)
        #expect(result.leaf == ["北京 ×3"])
    }

    /// Anything its parser refuses is left to the root's parse, which prints the error or help.
    @Test(arguments: [
        ["leaf"], ["leaf", "--count", "0", "a"], ["leaf", "--bogus", "a"], ["leaf", "--help"], ["leaf", "-h"],
        ["group", "leaf", "a"], ["nothing", "a"], [], ["--version"], ["--help"],
    ])
    func anythingElseIsLeftToTheRoot(arguments: [String]) async {
        let result = await run(arguments)
        #expect(!result.ran)
        #expect(result.leaf.isEmpty)
    }
}
