import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import Testing

/// The `fapiao-central` executable: the `listening on` line, exit codes, graceful shutdown.
@Suite struct ServeCommandTests {
    /// The built `fapiao-central`, beside the test bundle.
    static func executable() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ]
        let found = candidates.map { $0.appendingPathComponent("fapiao-central") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "build fapiao-central first (swift build --build-tests)")
    }

    /// What a finished `fapiao-central` left.
    struct Finished: Sendable {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs `fapiao-central` to completion, on a thread of its own.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Finished {
        let executable = try executable()
        return try await onThread {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let output = Pipe()
            let error = Pipe()
            process.standardOutput = output
            process.standardError = error
            try process.run()
            let outputData = output.fileHandleForReading.readDataToEndOfFile()
            let errorData = error.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Finished(
                status: process.terminationStatus,
                output: String(decoding: outputData, as: UTF8.self),
                error: String(decoding: errorData, as: UTF8.self)
            )
        }
    }

    @Test func serveListensOnAFreePortAndStopsGracefullyOnSIGTERM() async throws {
        let directory = try TemporaryDirectory(prefix: "fapiao-serve-tests")
        let tokens = directory.file("tokens")
        let added = try await Self.run(["token", "add", "bj-01", "--tokens", tokens])
        #expect(added.status == 0)
        let token = added.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 64)

        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = [
            "serve", "--store", "sqlite:\(directory.file("central.sqlite"))", "--listen", "127.0.0.1:0",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["FAPIAO_CENTRAL_TOKENS": tokens]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let reader = output.fileHandleForReading
        let line = try await onThread {
            var line = ""
            while !line.hasSuffix("\n") {
                let byte = reader.readData(ofLength: 1)
                if byte.isEmpty { break }
                line += String(decoding: byte, as: UTF8.self)
            }
            return line
        }
        #expect(line.hasPrefix("listening on http://127.0.0.1:"))
        let url = line.dropFirst("listening on ".count).trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        #expect(port > 0)

        let operation = try ServiceHarness.sampleOperation()
        let remote = try HTTPRemote(baseURL: url, token: token)
        let outcomes = try? await remote.push([operation], branch: "bj-01")
        let health = try? await remote.health()
        await remote.shutdown()
        #expect(outcomes?.map(\.outcome) == [.accepted])
        #expect(health?.invoices == 1)

        let busyPort = try await Self.run(
            ["serve", "--store", "sqlite:\(directory.file("other.sqlite"))", "--listen", "127.0.0.1:\(port)"],
            environment: ["FAPIAO_CENTRAL_TOKENS": tokens]
        )
        #expect(busyPort.status == 69)
        #expect(busyPort.output.isEmpty)

        process.terminate()  // SIGTERM
        try await onThread { process.waitUntilExit() }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)

        let stats = try await Self.run([
            "stats", "--store", "sqlite:\(directory.file("central.sqlite"))", "--format", "json",
        ])
        #expect(stats.status == 0)
        #expect(stats.output.contains("\"invoices\":1"))
    }

    @Test func exitCodesTellFailuresApart() async throws {
        let directory = try TemporaryDirectory(prefix: "fapiao-serve-tests")
        let tokens = directory.file("tokens")
        let store = "sqlite:\(directory.file("central.sqlite"))"
        #expect(try await Self.run(["token", "add", "central", "--tokens", tokens]).status == 0)
        #expect(try await Self.run(["token", "add", "central", "--tokens", tokens]).status == 73)

        #expect(try await Self.run(["serve", "--store", store, "--tokens", directory.file("absent")]).status == 66)
        #expect(try await Self.run(["serve", "--store", "postgres://db/fapiao", "--tokens", tokens]).status == 64)
        #expect(
            try await Self.run(["serve", "--store", store, "--tokens", tokens, "--fault", "refuse=2"]).status == 64
        )
        #expect(
            try await Self.run(["serve", "--store", store, "--tokens", tokens, "--listen", "nowhere"]).status == 64
        )
        #expect(try await Self.run(["stats", "--store", store]).status == 66)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tokens)
        let open = try await Self.run(["serve", "--store", store, "--tokens", tokens])
        #expect(open.status == 77)
        #expect(open.error.contains("chmod 600"))

        let notAStore = directory.file("not-a-store")
        _ = FileManager.default.createFile(atPath: notAStore, contents: Data("hello, world".utf8))
        #expect(try await Self.run(["stats", "--store", "sqlite:\(notAStore)"]).status == 78)
    }

    @Test func hqToolsAmendAndVoidOnTheStore() async throws {
        let directory = try TemporaryDirectory(prefix: "fapiao-serve-tests")
        let path = directory.file("central.sqlite")
        let operation = try ServiceHarness.sampleOperation()
        let store = try SQLiteCentralStore(path: path)
        _ = try await store.push([operation], from: "bj-01")
        try await store.close()
        let id = operation.invoiceID.uuidString

        let amended = try await Self.run(["amend", id, "--store", "sqlite:\(path)", "note=checked", "--as", "王芳"])
        #expect(amended.status == 0)
        #expect(amended.output.hasPrefix("amended \(id)"))
        #expect(try await Self.run(["amend", id, "--store", "sqlite:\(path)", "id=x"]).status == 65)
        let voided = try await Self.run([
            "void", id, "--store", "sqlite:\(path)", "--reason", "issued twice", "--format", "json",
        ])
        #expect(voided.status == 0)
        #expect(voided.output.contains("issued twice"))
        #expect(try await Self.run(["void", id, "--store", "sqlite:\(path)", "--reason", "again"]).status == 65)
        #expect(
            try await Self.run(["void", UUID().uuidString, "--store", "sqlite:\(path)", "--reason", "x"]).status == 66
        )
        #expect(try await Self.run(["amend", "not-a-uuid", "--store", "sqlite:\(path)", "note=x"]).status == 64)
    }

    @Test(arguments: [
        ["--help"], ["serve", "--help"], ["token", "add", "--help"], ["amend", "--help"], ["void", "--help"],
        ["stats", "--help"],
    ])
    func everyCommandHasHelpWithExamples(arguments: [String]) async throws {
        let help = try await Self.run(arguments)
        #expect(help.status == 0)
        #expect(help.output.contains("USAGE: fapiao-central"))
        if arguments.count > 1 { #expect(help.output.contains("Examples:")) }
    }
}
