#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One variable of the process's environment.
///
/// `ProcessInfo.processInfo.environment` builds a dictionary of every variable at each call
/// (about 600,000 instructions with a hundred variables): more than a `fapiao enqueue` spends on
/// its capture's SQL. A command looks up a handful of names.
public enum ProcessEnvironment {
    /// The value of `name`, or `nil` when it is not set.
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
