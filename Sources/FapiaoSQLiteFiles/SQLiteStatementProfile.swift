import Foundation
import GRDB
import Synchronization

/// Where a command's SQLite time goes, for whoever measures it: with `FAPIAO_SQL_PROFILE=PATH` in
/// the environment, every connection fapiao opens times each statement it runs (SQLite's own
/// profile trace, `sqlite3_trace_v2`), and at exit the totals per statement text are written to
/// `PATH.PID`, the largest first: count, total and mean milliseconds, and the statement.
///
/// Without the variable nothing is installed and nothing costs anything.
public enum SQLiteStatementProfile {
    private struct Total {
        var count = 0
        var seconds = 0.0
    }

    private static let path = getenv("FAPIAO_SQL_PROFILE").map { String(cString: $0) }.flatMap {
        $0.isEmpty ? nil : "\($0).\(getpid())"
    }
    private static let totals = Mutex<[String: Total]>([:])
    private static let installed = Mutex(false)

    /// Adds the profile to connections opened with `configuration` when the environment asks for it.
    public static func install(on configuration: inout Configuration) {
        guard path != nil else { return }
        installed.withLock { done in
            guard !done else { return }
            done = true
            atexit { SQLiteStatementProfile.write() }
        }
        configuration.prepareDatabase { db in
            db.trace(options: .profile) { event in
                guard case .profile(let statement, let duration) = event else { return }
                let sql = statement.sql
                totals.withLock { totals in
                    totals[sql, default: Total()].count += 1
                    totals[sql, default: Total()].seconds += duration
                }
            }
        }
    }

    /// Writes the totals, the largest first; a failure to write is not the command's failure.
    static func write() {
        guard let path else { return }
        let rows = totals.withLock { $0 }.sorted { $0.value.seconds > $1.value.seconds }
        var text = "count\ttotal_ms\tmean_ms\tstatement\n"
        for (sql, total) in rows {
            let flat = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ")
            let mean = total.seconds * 1000 / Double(max(total.count, 1))
            text += String(format: "%d\t%.1f\t%.3f\t", total.count, total.seconds * 1000, mean) + flat + "\n"
        }
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
