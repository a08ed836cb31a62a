import FapiaoSQLiteFiles
import Foundation
import Schema

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `fapiao-central backup` wrote.
public struct CentralBackupReceipt: Hashable, Sendable {
    /// Where the backup is.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
}

extension SQLiteCentralStore {
    /// Copies the central store at `path` into a checked backup file at `destination`.
    ///
    /// The copy is made with SQLite's online backup API from one read transaction, a few
    /// pages a step, so `fapiao-central serve` goes on taking pushes meanwhile. It is written
    /// under a temporary name beside `destination` (mode 0600), flushed, checked (SQLite's
    /// integrity check and the schema fapiao-central writes), and only then put in place and
    /// the directory flushed: a process killed part-way leaves no file at `destination`.
    ///
    /// - Parameters:
    ///   - path: the central store's file.
    ///   - destination: where the backup goes; no file may be there.
    ///   - progress: called after every step.
    /// - Returns: what was written.
    /// - Throws: ``CentralStoreError`` for a file that is not a central store,
    ///   ``SQLiteBackupError`` (`.alreadyExists` when a file is at `destination`).
    public static func backup(
        path: String,
        to destination: String,
        progress: (SQLiteBackup.Progress) -> Void = { _ in }
    ) throws -> CentralBackupReceipt {
        let state = try CentralStoreFile.inspect(path: path, schemaVersion: schemaVersion)
        guard case .store = state else {
            throw CentralStoreFile.noStore(at: path, state, instead: "name the store's file with --store sqlite:PATH.")
        }
        let directory = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        try SQLiteBackup.makeDirectory(directory)
        var status = stat()
        if lstat(destination, &status) == 0 { throw SQLiteBackup.alreadyExists(destination) }
        SQLiteBackup.removeStrayTemporaries(in: directory)
        let temporary = SQLiteBackup.temporaryPath(for: destination)
        SQLiteBackup.remove(temporary)
        do {
            try SQLiteBackup.copy(from: path, to: temporary, progress: progress)
            if let finding = try SQLiteFileCheck.finding(path: temporary, depth: .thorough, migrations: Schema.central)
            {
                throw SQLiteBackupError(
                    .damaged,
                    "The copy of \(path) fails its check (\(finding)); no backup was written. The store may be damaged."
                )
            }
            try SQLiteBackup.publish(temporary, as: destination)
        } catch {
            SQLiteBackup.remove(temporary)
            throw error
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value ?? 0
        return CentralBackupReceipt(path: destination, bytes: size)
    }
}
