import FapiaoCommandSupport
import Foundation

/// How `fapiao-central` reports an error it could not handle (the exit-code table is shared
/// with `fapiao`: ``ExitCodes``).
let reporter = ErrorReporter(program: "fapiao-central")

/// Runs a command body, printing any error as one line on standard error and exiting with its code.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    try await reporter.runAsync(body)
}

/// Writes one line to standard output, at once (scripts wait for it).
func emit(_ text: String) {
    FileHandle.standardOutput.write(utf8: text + "\n")
}
