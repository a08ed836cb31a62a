import FapiaoCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `fapiao backup` writes, and which files in a directory are this journal's backups.
///
/// A backup is named after the journal's file and the instant it was taken, to the second in
/// UTC: `journal-2026-12-04T101500Z.sqlite` for `journal.sqlite`. Names sort by time, so the
/// newest are the last in name order.
public enum JournalBackupNaming {
    /// The path a backup goes to.
    ///
    /// - Parameters:
    ///   - argument: the `PATH` given, if any: an existing directory (a timestamped file is made
    ///     inside it) or a file path. Without one, `backups/` beside the journal.
    ///   - journalPath: the journal's file.
    ///   - instant: when the backup is taken.
    /// - Returns: the backup's file path.
    public static func destination(argument: String?, journalPath: String, at instant: UTCTimestamp) -> String {
        let name = fileName(journalPath: journalPath, at: instant)
        guard let argument, !argument.isEmpty else {
            let directory = URL(fileURLWithPath: journalPath).deletingLastPathComponent().path
            return directory + "/backups/" + name
        }
        var isDirectory: ObjCBool = false
        if argument.hasSuffix("/")
            || (FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) && isDirectory.boolValue)
        {
            return (argument.hasSuffix("/") ? String(argument.dropLast()) : argument) + "/" + name
        }
        return argument
    }

    /// `STEM-YYYY-MM-DDTHHMMSSZ.sqlite`, STEM being the journal's file name without `.sqlite`.
    public static func fileName(journalPath: String, at instant: UTCTimestamp) -> String {
        "\(stem(journalPath))-\(stamp(instant)).sqlite"
    }

    /// `YYYY-MM-DDTHHMMSSZ`: an instant to the second in UTC, without colons (file names).
    public static func stamp(_ instant: UTCTimestamp) -> String {
        let characters = Array(instant.description)  // 2026-12-04T10:15:00.000Z
        let date = String(characters[0..<10])
        let time = String(characters[11..<13]) + String(characters[14..<16]) + String(characters[17..<19])
        return "\(date)T\(time)Z"
    }

    static func stem(_ journalPath: String) -> String {
        let name = URL(fileURLWithPath: journalPath).lastPathComponent
        return name.hasSuffix(".sqlite") ? String(name.dropLast(".sqlite".count)) : name
    }

    /// Whether `name` has the form of a backup of the journal whose file stem is `stem`.
    static func isBackupName(_ name: String, stem: String) -> Bool {
        guard name.hasPrefix(stem + "-"), name.hasSuffix("Z.sqlite") else { return false }
        let stamp = Array(name.dropFirst(stem.count + 1).dropLast("Z.sqlite".count))
        // YYYY-MM-DDTHHMMSS
        guard stamp.count == 17, stamp[4] == "-", stamp[7] == "-", stamp[10] == "T" else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 13, 14, 15, 16]
        return digits.allSatisfy { stamp[$0].isASCII && stamp[$0].isNumber }
    }

    /// Deletes all but the `keep` newest backups of the journal at `journalPath` in `directory`.
    ///
    /// Only files it recognises as backups are touched: a name of the form ``fileName(journalPath:at:)``
    /// gives, and an SQLite header carrying the journal's application id. Anything else in the
    /// directory is left alone.
    /// - Returns: the paths deleted, oldest first.
    public static func rotate(directory: String, journalPath: String, keep: Int) -> [String] {
        guard keep > 0, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        let stem = stem(journalPath)
        let backups = names.filter { isBackupName($0, stem: stem) }.sorted()
            .map { directory + "/" + $0 }
            .filter { (try? JournalFile.inspect(path: $0)) != nil }
        guard backups.count > keep else { return [] }
        let doomed = Array(backups.prefix(backups.count - keep))
        var removed: [String] = []
        for path in doomed where unlink(path) == 0 { removed.append(path) }
        return removed
    }
}
