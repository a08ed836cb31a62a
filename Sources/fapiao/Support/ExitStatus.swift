import ArgumentParser
import FapiaoCentral
import FapiaoCore
import FapiaoJournal
import FapiaoSync

/// The documented exit codes (BSD sysexits), in one place.
enum ExitStatus {
    static let attention: Int32 = 1
    static let usage: Int32 = 64
    static let invalidData: Int32 = 65
    static let notFound: Int32 = 66
    static let damaged: Int32 = 70
    static let alreadyExists: Int32 = 73
    static let unavailable: Int32 = 69
    static let ioError: Int32 = 74
    static let tempFail: Int32 = 75
    static let protocolError: Int32 = 76
    static let permission: Int32 = 77
    static let notAJournal: Int32 = 78

    /// The exit code for an error a command could not handle.
    static func code(for error: any Error) -> Int32 {
        switch error {
        case is ValidationFailure:
            return invalidData
        case let error as RemoteSetupError:
            return error.exitCode
        case let error as CentralStoreError:
            switch error.code {
            case .invoiceNotFound, .notFound: return notFound
            case .invalidEdit: return invalidData
            case .unavailable, .unreachable, .inDoubt: return unavailable
            case .invalidLocation: return usage
            case .authenticationRefused: return permission
            case .notACentralStore, .newerVersion, .nodeMismatch: return notAJournal
            default: return damaged
            }
        case let error as RemoteError:
            switch error.kind {
            case .unreachable, .inDoubt, .busy: return unavailable
            case .authenticationRefused, .forbidden: return permission
            case .protocolViolation: return protocolError
            }
        case let error as InputFileError:
            return error.code == .notFound ? notFound : invalidData
        case let error as JournalError:
            switch error.code {
            case .notFound, .invoiceNotFound, .conflictNotFound: return notFound
            case .alreadyExists: return alreadyExists
            case .notAJournal, .newerVersion: return notAJournal
            case .damaged: return damaged
            case .storageFull, .ioError: return ioError
            case .permissionDenied: return permission
            case .invalidSetting: return usage
            case .leaseHeld, .leaseLost: return tempFail
            default: return invalidData
            }
        default:
            return damaged
        }
    }
}

/// Runs a command body, printing any error as one line on standard error and exiting with its code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw reported(error)
    }
}

/// ``reportingErrors(_:)`` for async command bodies.
func reportingAsyncErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw reported(error)
    }
}

/// What a command throws for `error`: ArgumentParser's own exits pass through; anything
/// else is printed as one line and becomes its documented exit code.
private func reported(_ error: any Error) -> any Error {
    switch error {
    case is ExitCode, is CleanExit, is ValidationError:
        return error
    default:
        printError("\(error)")
        return ExitCode(ExitStatus.code(for: error))
    }
}
