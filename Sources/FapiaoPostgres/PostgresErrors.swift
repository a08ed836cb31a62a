import FapiaoCentralStore
import Foundation
import PostgresNIO

/// How PostgreSQL's failures become ``CentralStoreError``s.
///
/// postgres-nio keeps server messages out of an error's `description` (they may quote data);
/// the store names the SQLSTATE and the server's one-line message, which quote no password.
enum PostgresErrors {
    static let uniqueViolation = "23505"

    /// The SQLSTATE of a server error, if `error` is one.
    static func sqlState(_ error: PSQLError) -> String? {
        guard error.code == .server else { return nil }
        return error.serverInfo?[.sqlState]
    }

    /// Whether running the transaction again may succeed: a deadlock, a serialization failure,
    /// or a unique violation (a concurrent writer got there first, or one statement could not
    /// order a batch's rows).
    static func isRetryable(_ error: PSQLError) -> Bool {
        switch sqlState(error) {
        case "40001", "40P01", uniqueViolation: true
        default: false
        }
    }

    /// Whether a failed `COMMIT` may nonetheless have committed.
    ///
    /// It may when the connection broke, or the server is shutting the session down (`57…`,
    /// `08…`), so the answer may not be the outcome.
    /// A server error of any other class is the server's answer: nothing was committed.
    static func leavesCommitInDoubt(_ error: PSQLError) -> Bool {
        guard let state = sqlState(error) else { return true }
        return state.hasPrefix("57") || state.hasPrefix("08")
    }

    static func mapped(_ error: any Error, action: String, location: PostgresLocation) -> any Error {
        switch error {
        case let error as CentralStoreError:
            return error
        case let error as CommitInDoubt:
            return CentralStoreError(
                .inDoubt,
                "The connection to \(location) broke while committing (\(reason(error.underlying))); "
                    + "the change may or may not have been applied."
            )
        case let error as PSQLError:
            return mapped(error, action: action, location: location)
        case is ConnectionLost:
            return CentralStoreError(
                .unreachable,
                "Cannot \(action): PostgreSQL at \(location) closed the connection; nothing was changed."
            )
        case let error as OperationTimedOut:
            return CentralStoreError(
                error.mayHaveApplied ? .inDoubt : .unreachable,
                "Cannot \(action): PostgreSQL at \(location) did not answer within \(error.timeout)"
                    + (error.mayHaveApplied
                        ? "; the change may or may not have been applied." : "; nothing was changed.")
            )
        case let error as LeaseTimedOut:
            return CentralStoreError(
                .unreachable,
                "Cannot \(action): no connection to PostgreSQL at \(location) within \(error.timeout); nothing was changed."
            )
        case is CancellationError:
            return CentralStoreError(.unavailable, "Cannot \(action): the request was cancelled; nothing was changed.")
        default:
            return CentralStoreError(.unreachable, "Cannot \(action) at \(location): \(error).")
        }
    }

    private static func mapped(_ error: PSQLError, action: String, location: PostgresLocation) -> CentralStoreError {
        let why = reason(error)
        guard error.code == .server, let state = sqlState(error) else {
            switch error.code {
            case .sslUnsupported:
                return CentralStoreError(
                    .unreachable,
                    "\(location) does not offer TLS, which the URL's sslmode requires."
                )
            case .authMechanismRequiresPassword:
                return CentralStoreError(
                    .authenticationRefused,
                    "\(location) asks for a password and none was given (see --help for where to put it)."
                )
            case .unsupportedAuthMechanism, .saslError:
                return CentralStoreError(.authenticationRefused, "\(location) refused to authenticate: \(why).")
            default:
                return CentralStoreError(
                    .unreachable,
                    "Cannot \(action): PostgreSQL at \(location) cannot be reached (\(why)); nothing was changed."
                )
            }
        }
        switch state {
        case "28P01", "28000":
            return CentralStoreError(.authenticationRefused, "\(location) refused the credentials: \(why).")
        case "3D000":
            return CentralStoreError(
                .notFound,
                "\(location): \(why); create it first (createdb) or fix the URL."
            )
        case "42501":
            return CentralStoreError(.authenticationRefused, "\(location) refused to \(action): \(why).")
        case "53300", "57P03", "40001", "40P01", "23505", "55P03":
            return CentralStoreError(.unavailable, "Cannot \(action) now at \(location) (\(why)); nothing was changed.")
        default:
            if state.hasPrefix("08") || state.hasPrefix("57") {
                return CentralStoreError(
                    .unreachable,
                    "Cannot \(action): PostgreSQL at \(location) went away (\(why)); nothing was changed."
                )
            }
            if state.hasPrefix("53") || state.hasPrefix("58") {
                return CentralStoreError(.unavailable, "Cannot \(action) at \(location) (\(why)); nothing was changed.")
            }
            return CentralStoreError(.damaged, "Cannot \(action) at \(location): \(why).")
        }
    }

    /// The server's SQLSTATE and message, or the kind of client-side failure.
    static func reason(_ error: PSQLError) -> String {
        if error.code == .server, let info = error.serverInfo {
            let message = info[.message] ?? "error"
            return "\(info[.sqlState] ?? "?"): \(message)"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
