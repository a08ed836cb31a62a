import Foundation

/// Runs a notifier program: the document on standard input, `environment` added to its own;
/// exit 0 within the timeout is delivered.
enum NotificationProgram {
    /// - Returns: why it failed, or "" when the program took the document.
    static func run(
        _ words: [String],
        input: [UInt8],
        environment extra: [String: String],
        timeout: Duration
    ) async -> String {
        guard let program = words.first else { return "no program" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(words.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let ended = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { finished in
            ended.continuation.yield(finished.terminationStatus)
            ended.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            return "cannot start \(program): \(error.localizedDescription)"
        }
        // A program that does not read its input must not stall the caller: the write happens
        // beside the wait, and the pipe is closed when the program is stopped.
        let writer = Task.detached {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            if process.isRunning { process.terminate() }
        }
        var status: Int32 = -1
        for await code in ended.stream { status = code }
        watchdog.cancel()
        _ = await writer.result
        if process.terminationReason == .uncaughtSignal { return "\(program) was stopped after \(timeout)" }
        return status == 0 ? "" : "\(program) exited \(status)"
    }
}
