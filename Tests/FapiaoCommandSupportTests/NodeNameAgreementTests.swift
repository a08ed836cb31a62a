import FapiaoCentralService
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

/// `fapiao init` and `fapiao-central token add` take the same node names and refuse the
/// others with the same sentence, so HQ can no longer issue a token no branch can use.
@Suite struct NodeNameAgreementTests {
    /// The sentence `fapiao init` refuses `node` with, or `nil` when it takes it.
    private func initRefusal(_ node: String, in directory: TemporaryDirectory) -> String? {
        do {
            _ = try Journal.create(
                at: directory.file("journal-\(UUID().uuidString).sqlite"),
                settings: JournalSettings(node: node),
                actor: "王芳",
                environment: .testing(clock: ManualClock())
            )
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The sentence `token add` refuses `node` with, or `nil` when it takes it.
    private func tokenRefusal(_ node: String, tokens path: String) -> String? {
        do {
            _ = try TokenRegistry.addToken(for: node, toFileAt: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        "BJ-01", "bj_01", "bj.01", "-bj", "bj 01", "", "北京", String(repeating: "b", count: 64), "Central",
    ])
    func tokenAddRefusesWhatInitRefusesWithTheSameSentence(node: String) throws {
        let directory = try TemporaryDirectory()
        let tokens = directory.file("tokens")
        let refusedByInit = try #require(initRefusal(node, in: directory))
        let refusedByTokenAdd = try #require(tokenRefusal(node, tokens: tokens))
        #expect(refusedByInit == refusedByTokenAdd)
        #expect(refusedByInit == NodeNameError(name: node, field: "node").message)
        #expect(!FileManager.default.fileExists(atPath: tokens), "a refused name writes nothing")
        #expect(!TokenRegistry.isValidNode(node) && !WireNode.isValid(node) && !JournalSettings.isValidNode(node))
        do {
            try TokenRegistry.checkNewNode(node)
            Issue.record("checkNewNode took \(node)")
        } catch {
            #expect(ExitCodes.code(for: error) == ExitCodes.usage)
        }
    }

    @Test(arguments: ["bj-chaoyang-01", "central", "0", String(repeating: "b", count: 63)])
    func bothTakeANameThatFollowsTheRule(node: String) throws {
        let directory = try TemporaryDirectory()
        #expect(initRefusal(node, in: directory) == nil)
        #expect(tokenRefusal(node, tokens: directory.file("tokens")) == nil)
        #expect(TokenRegistry.isValidNode(node) && WireNode.isValid(node) && JournalSettings.isValidNode(node))
    }

    /// A tokens file an earlier version wrote with the centre's token under a wider name still loads.
    @Test func aTokensFileWithAnEarlierCentreNameStillLoads() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tokens")
        let digest = TokenRegistry.digest(of: "hq-secret")
        try "HQ.Main \(digest)\nbj-01 \(TokenRegistry.digest(of: "bj"))\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let registry = try TokenRegistry.load(path: path)
        #expect(registry.node(presenting: "hq-secret") == "HQ.Main")
        #expect(registry.node(presenting: "bj") == "bj-01")
    }
}
