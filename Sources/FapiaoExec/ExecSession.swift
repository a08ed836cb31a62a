import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running remote program: its process, the lines it writes on standard output, and the
/// last lines of its standard error for messages.
///
/// Reading happens on a thread for each of its outputs, writing on a thread of its own, so
/// a program that stops reading or writing never blocks a task of the caller's: every wait
/// is bounded by a timeout, after which the program is killed.
final class ExecSession: Sendable {
    /// How a wait for the program's next line ended without a line.
    enum Failure: Error, Sendable {
        /// Standard output closed: the program ended (or closed it).
        case ended(String)
        /// No complete line within the timeout.
        case timedOut
        /// A line longer than the protocol allows.
        case overlong
        /// Writing to the program failed (it closed its standard input or ended).
        case writeFailed(String)
    }

    typealias Delivery = @Sendable (Result<[UInt8], any Error>) -> Void

    private struct State {
        var lines: [[UInt8]] = []
        var partial: [UInt8] = []
        var endOfOutput = false
        var overlong = false
        var pendingDelivery: Delivery?
        var stderrTail: [UInt8] = []
        var stderrEnded = false
        var exitStatus: String?
    }

    /// The longest line the protocol allows (Schema/exec-protocol.md).
    static let maximumLineLength = 64 << 20
    private static let stderrKept = 4096

    private let process: Process
    private let input: FileHandle
    // Mutex protects every field of State; the reading threads and the callers share it.
    private let state = Mutex(State())

    /// Starts `program`.
    ///
    /// - Throws: a sentence saying why it could not start.
    init(program: String, arguments: [String], environment: [String: String]) throws(ExecStartFailure) {
        Self.ignoreBrokenPipes
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        self.process = process
        self.input = stdin.fileHandleForWriting
        process.terminationHandler = { [weak self] process in
            let status =
                process.terminationReason == .uncaughtSignal
                ? "killed by signal \(process.terminationStatus)"
                : "exit status \(process.terminationStatus)"
            self?.state.withLock { $0.exitStatus = status }
        }
        // A program file that another process still holds open for writing cannot be executed
        // for a moment (ETXTBSY: a deploy replacing it, or any fork that inherited the writer's
        // descriptor), so starting is tried a few times over half a second before giving up.
        var attempts = 0
        while true {
            do {
                try process.run()
                break
            } catch {
                attempts += 1
                if attempts < 10 {
                    usleep(50_000)
                    continue
                }
                throw ExecStartFailure(message: "it could not be started (\(error.localizedDescription))")
            }
        }
        // The parent's copies of the child's ends: closing them lets end of file arrive.
        try? stdout.fileHandleForWriting.close()
        try? stderr.fileHandleForWriting.close()
        try? stdin.fileHandleForReading.close()
        Self.readToEnd(stdout.fileHandleForReading) { [weak self] chunk in
            self?.received(chunk)
        } end: { [weak self] in
            self?.outputEnded()
        }
        Self.readToEnd(stderr.fileHandleForReading) { [weak self] chunk in
            self?.receivedDiagnostics(chunk)
        } end: { [weak self] in
            self?.state.withLock { $0.stderrEnded = true }
        }
    }

    /// Reads `handle` to its end on a thread of its own, handing over each chunk as it arrives.
    ///
    /// Not Foundation's `readabilityHandler`: on Linux it can crash the whole process inside
    /// libdispatch (`_dispatch_event_loop_drain`, seen in this project's test runs;
    /// swift-corelibs-foundation issue 3276, still open), and it misses an end of file now and
    /// then (half the runs of a one-line program saw neither end here; a missed end of standard
    /// error cost each failed start a second's wait). A blocking read(2) on a thread that holds
    /// the handle, and so its descriptor, until the end has neither failure. A program that
    /// leaves a child holding its output keeps that thread until the child ends; the session
    /// itself is not held (the thread keeps only a weak reference to it).
    private static func readToEnd(
        _ handle: FileHandle,
        chunk: @escaping @Sendable (ArraySlice<UInt8>) -> Void,
        end: @escaping @Sendable () -> Void
    ) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            let descriptor = handle.fileDescriptor
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    chunk(buffer[..<count])
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            end()
        }
        thread.start()
    }

    deinit {
        stop()
    }

    /// Writing to a program that has ended must fail with EPIPE, not end this process.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    /// Writes one line (a newline is added), giving up after `timeout`.
    func write(_ line: [UInt8], timeout: Duration) async throws {
        var bytes = line
        bytes.append(UInt8(ascii: "\n"))
        let input = input
        let data = Data(bytes)
        // A pipe write blocks while the program does not read: do it on a thread of its own,
        // and kill the program when the timeout passes (which ends the write with EPIPE).
        _ = try await withTimeout(timeout) { continuation in
            let thread = Thread {
                do {
                    try input.write(contentsOf: data)
                    continuation(.success([]))
                } catch {
                    continuation(.failure(Failure.writeFailed(error.localizedDescription)))
                }
            }
            thread.start()
        }
    }

    /// The program's next line of output, waiting at most `timeout`.
    func nextLine(timeout: Duration) async throws -> [UInt8] {
        try await withTimeout(timeout) { continuation in
            self.state.withLock { state in
                if !state.lines.isEmpty {
                    continuation(.success(state.lines.removeFirst()))
                } else if state.overlong {
                    continuation(.failure(Failure.overlong))
                } else if state.endOfOutput {
                    continuation(.failure(Failure.ended(self.endDescription(state))))
                } else {
                    state.pendingDelivery = continuation
                }
            }
        }
    }

    /// Closes the program's standard input and waits up to `grace` for it to end, then kills it.
    func finish(grace: Duration) async {
        try? input.close()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        stop()
    }

    /// Kills the program at once (SIGKILL) if it is still running.
    func stop() {
        if process.isRunning {
            _ = kill(process.processIdentifier, SIGKILL)
        }
        try? input.close()
    }

    /// Waits (at most a second) until the program has ended and its standard error is read to
    /// the end, so a message can say how it ended and quote its last words.
    func settle() async {
        let deadline = ContinuousClock.now + .seconds(1)
        while state.withLock({ $0.exitStatus == nil || !$0.stderrEnded }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// How the program ended, with the last line it wrote on standard error, for messages.
    var endDescription: String {
        state.withLock { endDescription($0) }
    }

    /// The last non-empty line the program wrote on standard error, if any.
    var lastDiagnostic: String? {
        state.withLock { Self.lastLine(of: $0.stderrTail) }
    }

    private func endDescription(_ state: State) -> String {
        var text = state.exitStatus.map { "it ended (\($0))" } ?? "it closed its output"
        if let line = Self.lastLine(of: state.stderrTail) { text += "; it said: \(line)" }
        return text
    }

    private static func lastLine(of bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard
            let line = text.split(whereSeparator: \.isNewline).last?.trimmingCharacters(in: .whitespaces),
            !line.isEmpty
        else { return nil }
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    // MARK: Callbacks

    private func received(_ data: ArraySlice<UInt8>) {
        state.withLock { state in
            for byte in data {
                if byte == UInt8(ascii: "\n") {
                    state.lines.append(state.partial)
                    state.partial = []
                } else if state.partial.count < Self.maximumLineLength {
                    state.partial.append(byte)
                } else {
                    state.overlong = true
                }
            }
            deliver(&state)
        }
    }

    private func outputEnded() {
        // Give the termination handler a moment so the message can say how the program ended.
        let deadline = Date().addingTimeInterval(1)
        while state.withLock({ $0.exitStatus == nil }), Date() < deadline { usleep(5_000) }
        state.withLock { state in
            state.endOfOutput = true
            deliver(&state)
        }
    }

    private func receivedDiagnostics(_ data: ArraySlice<UInt8>) {
        state.withLock { state in
            state.stderrTail.append(contentsOf: data)
            if state.stderrTail.count > Self.stderrKept {
                state.stderrTail.removeFirst(state.stderrTail.count - Self.stderrKept)
            }
        }
    }

    private func deliver(_ state: inout State) {
        guard let deliver = state.pendingDelivery else { return }
        if !state.lines.isEmpty {
            state.pendingDelivery = nil
            deliver(.success(state.lines.removeFirst()))
        } else if state.overlong {
            state.pendingDelivery = nil
            deliver(.failure(Failure.overlong))
        } else if state.endOfOutput {
            state.pendingDelivery = nil
            deliver(.failure(Failure.ended(endDescription(state))))
        }
    }
}

/// Runs `start` with a one-shot delivery and waits for it, or for `timeout` to pass.
private func withTimeout(
    _ timeout: Duration,
    _ start: (@escaping ExecSession.Delivery) -> Void
) async throws -> [UInt8] {
    let once = OneShot()
    return try await withCheckedThrowingContinuation { continuation in
        once.arm(continuation)
        let timer = Task {
            // Cancelled means answered: only a sleep that ran its course is a timeout.
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            once.resume(.failure(ExecSession.Failure.timedOut))
        }
        start { result in
            once.resume(result)
            timer.cancel()
        }
    }
}

/// A continuation resumed by whichever comes first: the answer or the timeout.
private final class OneShot: Sendable {
    // Mutex protects the continuation, taken by the first resume.
    private let continuation = Mutex<CheckedContinuation<[UInt8], any Error>?>(nil)

    func arm(_ continuation: CheckedContinuation<[UInt8], any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(_ result: Result<[UInt8], any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}

/// Why a remote program could not be started.
struct ExecStartFailure: Error, Sendable {
    var message: String
}
