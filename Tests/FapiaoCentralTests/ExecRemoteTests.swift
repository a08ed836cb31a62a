import FapiaoCore
import FapiaoExec
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

/// How the `exec:` adapter meets a program that fails: each failure is one sentence with the
/// kind that gives its exit code (69 unreachable or in doubt, 76 protocol, 77 credentials), and
/// a push whose answer was lost is replayed with the same operation ids and lands once.
@Suite struct ExecRemoteTests {
    let directory: TemporaryDirectory
    let fixture = RulesFixture()

    init() throws {
        directory = try TemporaryDirectory(prefix: "fapiao-exec-tests")
    }

    private var store: String { directory.file("central.sqlite") }

    /// A remote whose program is told `faults`; the push count behind them is kept in a file,
    /// so "the first push" means the first of the test, not of each program started.
    private func remote(
        _ faults: [String: String] = [:],
        program: String = ReferenceProgram.path,
        arguments: [String]? = nil,
        token: String? = nil,
        timeout: Duration = .seconds(20)
    ) -> ExecRemote {
        ExecRemote(
            program: program,
            arguments: arguments ?? [store, "--create"],
            branch: RulesFixture.branch,
            token: token,
            timeout: timeout,
            environment: faults.isEmpty
                ? [:] : faults.merging(["FAPIAO_FILE_REMOTE_FAULT_STATE": directory.file("fault-count")]) { $1 }
        )
    }

    private func creates(_ count: Int) throws -> [InvoiceOperation] {
        try (1...count).map { try fixture.operation(UInt64(100 + $0), .create, fixture.invoice($0, id: UInt64($0))) }
    }

    /// A shell script in the test directory, executable unless told otherwise.
    private func script(_ name: String, _ body: String, executable: Bool = true) throws -> String {
        let path = directory.file(name)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: path)
        return path
    }

    private func failure(_ body: () async throws -> Void) async -> RemoteError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? RemoteError
        }
    }

    @Test func aMissingProgramIsUnreachableAndNamed() async throws {
        let missing = directory.file("no-such-program")
        let remote = remote(program: missing, arguments: [])
        let error = try #require(await failure { _ = try await remote.push(try creates(1), branch: "bj-01") })
        #expect(error.kind == .unreachable)
        #expect(error.message.contains("does not exist"))
        #expect(error.message.contains(missing))
        await remote.shutdown()
    }

    @Test func aProgramThatIsNotExecutableIsUnreachableWithTheRemedy() async throws {
        let path = try script("upload", "exit 0", executable: false)
        let remote = remote(program: path, arguments: [])
        let error = try #require(await failure { _ = try await remote.health() })
        #expect(error.kind == .unreachable)
        #expect(error.message.contains("chmod +x"))
        await remote.shutdown()
    }

    @Test func aProgramThatExitsBeforeTheHandshakeIsUnreachableQuotingIt() async throws {
        let path = try script("upload", "echo 'the tax platform cannot be reached' >&2\nexit 3")
        let remote = remote(program: path, arguments: [])
        let error = try #require(await failure { _ = try await remote.push(try creates(1), branch: "bj-01") })
        #expect(error.kind == .unreachable)
        #expect(error.message.contains("exit status 3"))
        #expect(error.message.contains("the tax platform cannot be reached"))
        await remote.shutdown()
    }

    /// Every program that ends is seen to end, and its exit status and last words are quoted.
    ///
    /// The end of a program's output is what tells the adapter it has ended: missing it would
    /// turn "it ended (exit status 3)" into a wait for the timeout. Twelve programs at once, so
    /// the readers run side by side as a busy sync job's would.
    @Test func everyProgramThatEndsIsSeenToEndAndQuoted() async throws {
        let path = try script("upload", "echo \"cannot reach the platform ($1)\" >&2\nexit 3")
        let messages = try await withThrowingTaskGroup(of: String.self) { group in
            for run in 1...12 {
                group.addTask {
                    let remote = remote(program: path, arguments: ["\(run)"], timeout: .seconds(30))
                    let error = await failure { _ = try await remote.health() }
                    await remote.shutdown()
                    return error?.message ?? "no error"
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(messages.count == 12)
        for run in 1...12 {
            let message = messages.first { $0.contains("(\(run))") }
            #expect(message?.contains("exit status 3") == true, "\(message ?? "run \(run) said nothing")")
        }
    }

    @Test(arguments: ["FAPIAO_FILE_REMOTE_CRASH_AFTER_COMMIT", "FAPIAO_FILE_REMOTE_CRASH_BEFORE_COMMIT"])
    func aProgramKilledMidBatchLeavesItInDoubtAndTheReplayLandsOnce(fault: String) async throws {
        let operations = try creates(5)
        let crashing = remote([fault: "1"])
        let error = try #require(await failure { _ = try await crashing.push(operations, branch: "bj-01") })
        #expect(error.kind == .inDoubt)
        #expect(error.message.contains("killed by signal") || error.message.contains("exit status 137"))
        #expect(error.message.contains("same operation ids"))
        // The next request starts the program again (its fault count restarts with it).
        let replay = try await crashing.push(operations, branch: "bj-01")
        let expected: PushOutcome = fault.hasSuffix("AFTER_COMMIT") ? .duplicate : .accepted
        #expect(replay.map(\.outcome) == Array(repeating: expected, count: 5))
        #expect(try await crashing.health().invoices == 5)
        await crashing.shutdown()
    }

    @Test func aProgramThatHangsIsStoppedAfterTheTimeoutAndTheBatchIsInDoubt() async throws {
        let operations = try creates(2)
        let hanging = remote(["FAPIAO_FILE_REMOTE_HANG": "1"], timeout: .seconds(4))
        let error = try #require(await failure { _ = try await hanging.push(operations, branch: "bj-01") })
        #expect(error.kind == .inDoubt)
        #expect(error.message.contains("was stopped"))
        #expect(try await hanging.push(operations, branch: "bj-01").map(\.outcome) == [.accepted, .accepted])
        await hanging.shutdown()
    }

    @Test(arguments: [
        ("FAPIAO_FILE_REMOTE_GARBAGE", "not a JSON document"),
        ("FAPIAO_FILE_REMOTE_SHORT", "partial"),
    ])
    func garbageOrTooFewOutcomesBreakTheProtocolAndTheReplayIsDuplicates(fault: String, said: String) async throws {
        let operations = try creates(3)
        let broken = remote([fault: "1"])
        let error = try #require(await failure { _ = try await broken.push(operations, branch: "bj-01") })
        #expect(error.kind == .protocolViolation)
        #expect(error.message.contains(said), "\(error.message)")
        #expect(error.message.contains("in doubt"))
        #expect(
            try await broken.push(operations, branch: "bj-01").map(\.outcome) == [.duplicate, .duplicate, .duplicate]
        )
        await broken.shutdown()
    }

    @Test func aPartialAnswerThatSaysSoIsAPrefix() async throws {
        let operations = try creates(4)
        let partial = remote(["FAPIAO_FILE_REMOTE_PARTIAL": "1"])
        let first = try await partial.push(operations, branch: "bj-01")
        #expect(first.map(\.operationID) == operations.prefix(2).map(\.id))
        let rest = try await partial.push(Array(operations.dropFirst(first.count)), branch: "bj-01")
        #expect(rest.map(\.outcome) == [.accepted, .accepted])
        await partial.shutdown()
    }

    @Test func theTokenTravelsInTheEnvironmentAndAWrongOneIsRefused() async throws {
        let tokenFile = directory.file("token")
        try Data("s3cret-token\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        let arguments = [store, "--create", "--token-file", tokenFile]
        let wrong = remote(arguments: arguments, token: "not-the-token")
        let error = try #require(await failure { _ = try await wrong.push(try creates(1), branch: "bj-01") })
        #expect(error.kind == .authenticationRefused)
        #expect(!error.message.contains("s3cret"))
        await wrong.shutdown()
        let right = remote(arguments: arguments, token: "s3cret-token")
        #expect(try await right.push(try creates(1), branch: "bj-01").map(\.outcome) == [.accepted])
        await right.shutdown()
    }

    @Test func aProgramThatSpeaksAnotherVersionIsRefusedAtTheHandshake() async throws {
        let path = try script(
            "upload",
            #"read hello; echo '{"fapiao":"exec","version":7,"node":"central"}'; cat >/dev/null"#
        )
        let remote = remote(program: path, arguments: [])
        let error = try #require(await failure { _ = try await remote.health() })
        #expect(error.kind == .protocolViolation)
        #expect(error.message.contains("version"))
        await remote.shutdown()
    }
}
