import ArgumentParser
import FapiaoCore
import Foundation

/// How an executable reports a failure: one line on standard error, then its exit code.
public struct ErrorReporter: Sendable {
    /// The executable's name, printed before each message (`fapiao`, `fapiao-central`).
    public var program: String

    public init(program: String) {
        self.program = program
    }

    /// Runs `body`; ArgumentParser's own exits pass through, anything else is printed as one
    /// line and becomes its documented exit code (``ExitCodes``).
    public func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw reported(error)
        }
    }

    /// ``run(_:)`` for async command bodies.
    public func runAsync<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw reported(error)
        }
    }

    /// What a command throws for `error`.
    public func reported(_ error: any Error) -> any Error {
        switch error {
        case is ExitCode, is CleanExit, is ValidationError:
            return error
        default:
            printError("\(error)")
            return ExitCode(ExitCodes.code(for: error))
        }
    }

    /// Writes one line to standard error, prefixed with the program's name.
    public func printError(_ message: String) {
        FileHandle.standardError.write(utf8: "\(program): \(message)\n")
    }
}
