import FapiaoCore
import Foundation
import GRDB

/// Names a sync job and tells whether another job's process still runs.
public enum LeaseOwner {
    /// A fresh owner name for this process: `HOST/PID/NONCE`.
    public static func current() -> String {
        let nonce = UUID().uuidText.prefix(8).lowercased()
        return "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(nonce)"
    }

    /// Whether the process that took a lease as `owner` may still be running.
    ///
    /// A holder on this host whose process is gone (it was killed) cannot release its
    /// lease, so a restarted job may take it over at once instead of waiting for expiry.
    /// A holder on another host is presumed alive until its lease expires.
    public static func isAlive(_ owner: String) -> Bool {
        let parts = owner.split(separator: "/")
        guard parts.count == 3, let pid = Int32(parts[1]) else { return true }
        guard String(parts[0]) == ProcessInfo.processInfo.hostName else { return true }
        if pid == getpid() { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
