import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named points at the durable steps where the reliability harness makes a process die at once,
/// as `kill -9` would, to prove that every step survives a crash on either side of its commit.
///
/// Switched on by one environment variable, read once: `FAPIAO_FAILPOINT=NAME` dies the first
/// time NAME is passed, `FAPIAO_FAILPOINT=NAME@N` the N-th time. Unset, a point costs one check
/// of a nil value and its name is never built. The names are listed in RELIABILITY.md
/// ("crash-points"); the harness fails when a named point is never reached.
public enum Failpoint {
    private static let armed = Armed(setting: getenv("FAPIAO_FAILPOINT").map { String(cString: $0) })

    /// Passes the point `name`, dying here when the environment armed it.
    @inline(__always)
    public static func pass(_ name: @autoclosure () -> String) {
        guard let armed else { return }
        armed.pass(name())
    }

    /// The step of a write transaction a point stands at.
    public enum Phase: String, Sendable {
        /// The transaction's changes are made and it is about to commit.
        case beforeCommit = "before-commit"
        /// The commit has returned: the changes are durable.
        case afterCommit = "after-commit"
    }
}

private final class Armed: Sendable {
    let name: String
    let dieAt: Int
    let passes = Atomic<Int>(0)

    init?(setting: String?) {
        guard let setting, !setting.isEmpty else { return nil }
        let parts = setting.split(separator: "@", maxSplits: 1)
        name = String(parts[0])
        dieAt = parts.count == 2 ? max(1, Int(parts[1]) ?? 1) : 1
    }

    func pass(_ point: String) {
        guard point == name else { return }
        if passes.add(1, ordering: .relaxed).newValue >= dieAt {
            kill(getpid(), SIGKILL)
        }
    }
}
