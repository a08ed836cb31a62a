import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// The tokens file, token checks, and that no token ever reaches a log line or a message.
@Suite struct TokenRegistryTests {
    @Test func addingATokenCreatesAPrivateFileAndRecognisesOnlyThatToken() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tokens")
        let token = try TokenRegistry.addToken(for: "bj-01", toFileAt: path)
        #expect(token.count == 64)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(token))
        #expect(text.contains("bj-01 \(TokenRegistry.digest(of: token))"))

        let hq = try TokenRegistry.addToken(for: "central", toFileAt: path)
        let registry = try TokenRegistry.load(path: path)
        #expect(registry.nodes == ["bj-01", "central"])
        #expect(registry.node(presenting: token) == "bj-01")
        #expect(registry.node(presenting: hq) == "central")
        #expect(registry.node(presenting: TokenRegistry.generateToken()) == nil)
        #expect(registry.node(presenting: TokenRegistry.digest(of: token)) == nil)
    }

    @Test func aNodeGetsOneTokenOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tokens")
        _ = try TokenRegistry.addToken(for: "bj-01", toFileAt: path)
        let failure = serviceFailure { try TokenRegistry.addToken(for: "bj-01", toFileAt: path) }
        #expect(failure?.code == .nodeAlreadyHasToken)
        #expect(serviceFailure { try TokenRegistry.addToken(for: "bad node", toFileAt: path) }?.code == .invalidNode)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aTokensFileOthersCanReadIsRefused(mode: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tokens")
        _ = try TokenRegistry.addToken(for: "bj-01", toFileAt: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)

        let failure = serviceFailure { try TokenRegistry.load(path: path) }
        #expect(failure?.code == .tokensFileTooOpen)
        #expect(failure?.message.contains("chmod 600") == true)
        #expect(serviceFailure { try TokenRegistry.addToken(for: "bj-02", toFileAt: path) }?.code == .tokensFileTooOpen)
    }

    @Test func aMissingTokensFileSaysHowToCreateOne() throws {
        let directory = try TemporaryDirectory()
        let failure = serviceFailure { try TokenRegistry.load(path: directory.file("absent")) }
        #expect(failure?.code == .tokensFileNotFound)
        #expect(failure?.message.contains("token add") == true)
    }

    @Test(arguments: [
        "bj-01 not-a-digest\n",
        "bj-01\n",
        "secret-token-pasted-here\n",
        "bj-01 \(TokenRegistry.digest(of: "a"))\nbj-01 \(TokenRegistry.digest(of: "b"))\n",
        "bj-01 \(TokenRegistry.digest(of: "a"))\nbj-02 \(TokenRegistry.digest(of: "a"))\n",
    ])
    func aMalformedTokensFileIsRefusedByLineNumberWithoutEchoingIt(content: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tokens")
        _ = FileManager.default.createFile(
            atPath: path,
            contents: Data(content.utf8),
            attributes: [.posixPermissions: 0o600]
        )

        let failure = serviceFailure { try TokenRegistry.load(path: path) }
        #expect(failure?.code == .tokensFileMalformed)
        #expect(failure?.message.contains("Line ") == true)
        #expect(failure?.message.contains("secret-token") == false)
    }

    @Test func commentsAndBlankLinesAreSkipped() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tokens")
        let content = "# HQ\n\ncentral \(TokenRegistry.digest(of: "hq-token").uppercased())  \n  # branches\n"
        _ = FileManager.default.createFile(
            atPath: path,
            contents: Data(content.utf8),
            attributes: [.posixPermissions: 0o600]
        )
        #expect(try TokenRegistry.load(path: path).node(presenting: "hq-token") == "central")
    }

    @Test func noTokenEverAppearsInALogLineOrAnErrorMessage() async throws {
        let canary = "canary-\(TokenRegistry.generateToken())"
        let (logs, messages, tokens) = try await ServiceHarness.run { harness in
            let operation = try harness.create(1)
            var messages: [String] = []
            let good = try harness.remote()
            _ = try await good.push([operation], branch: ServiceHarness.branch)
            harness.faults.script([.dropReply, .refuse, .http500, .http503(retryAfter: 1)])
            for _ in 0..<4 {
                if let failure = await remoteFailure({ try await good.push([operation], branch: ServiceHarness.branch) }
                ) {
                    messages.append(failure.message)
                }
            }
            let wrong = try harness.remote(token: canary)
            for failure in [
                await remoteFailure { try await wrong.push([operation], branch: ServiceHarness.branch) },
                await remoteFailure { try await wrong.lookup([operation.invoiceID]) },
                await remoteFailure { try await wrong.changes(branch: ServiceHarness.branch, since: 0, limit: 1) },
                await remoteFailure { try await good.void(operation.invoiceID, reason: "no") },
            ] {
                messages.append(try #require(failure).message)
            }
            _ = try await RawHTTP.exchange(port: harness.running.address.port, "GET", "/v1/invoices/x", token: canary)
            return (harness.logs, messages, harness.tokens)
        }

        let lines = logs.all
        #expect(messages.count == 8)
        #expect(
            lines.contains { $0.contains("push") && $0.contains("branch=bj-01") && $0.contains("fault=drop-reply") }
        )
        #expect(lines.contains { $0.contains("refused an unknown token") })
        for secret in Array(tokens.values) + [canary] {
            for line in lines + messages {
                #expect(!line.contains(secret), "a token leaked: \(line)")
            }
        }
    }

    @Test func aClientNeverShowsItsToken() async throws {
        let canary = "canary-\(TokenRegistry.generateToken())"
        let remote = try HTTPRemote(baseURL: "http://127.0.0.1:1/", token: canary)
        var dumped = ""
        dump(remote, to: &dumped)
        #expect(!dumped.contains(canary))
        #expect(!String(describing: remote).contains(canary))
        #expect(remote.endpoint == "http://127.0.0.1:1")
        await remote.shutdown()

        let badToken = "line\nbreak-\(canary)"
        let failure = #expect(throws: RemoteError.self) {
            try HTTPRemote(baseURL: "http://127.0.0.1:1", token: badToken)
        }
        #expect(failure?.message.contains(canary) == false)
        let badURL = #expect(throws: RemoteError.self) { try HTTPRemote(baseURL: "ftp://x", token: nil) }
        #expect(badURL?.kind == .protocolViolation)
        #expect(throws: RemoteError.self) { try HTTPRemote(baseURL: "http://user:pw@host", token: nil) }
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_445_412_450)  // Wed, 21 Oct 2015 07:27:30 GMT
        #expect(HTTPRemote.retryAfter("120", now: now) == .seconds(120))
        #expect(HTTPRemote.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .seconds(30))
        #expect(HTTPRemote.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .seconds(0))
        #expect(HTTPRemote.retryAfter("soon", now: now) == nil)
        #expect(HTTPRemote.retryAfter("-5", now: now) == nil)
    }
}
