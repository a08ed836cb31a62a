import FapiaoCommandSupport

/// The documented exit codes: the table both executables share (``ExitCodes``).
typealias ExitStatus = ExitCodes

/// How `fapiao` reports an error it could not handle.
let reporter = ErrorReporter(program: "fapiao")

/// Runs a command body, printing any error as one line on standard error and exiting with its code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    try reporter.run(body)
}

/// ``reportingErrors(_:)`` for async command bodies.
func reportingAsyncErrors<T>(_ body: () async throws -> T) async throws -> T {
    try await reporter.runAsync(body)
}
