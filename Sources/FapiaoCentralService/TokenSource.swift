import FapiaoCentralStore
import Foundation
import Synchronization

/// The tokens the service accepts, re-read from the tokens file when it changes.
///
/// HQ adds a branch with `fapiao-central token add` while the service runs; the next request
/// sees the new token without a restart. A file that becomes unreadable, malformed or too
/// open is not taken: the tokens read last stay in force and the problem is reported once.
public final class TokenSource: Sendable {
    private struct Snapshot {
        var registry: TokenRegistry
        var signature: FileSignature?
        var lastProblem: String?
    }

    private struct FileSignature: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: timespec

        static func == (lhs: FileSignature, rhs: FileSignature) -> Bool {
            lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
                && lhs.modified.tv_sec == rhs.modified.tv_sec && lhs.modified.tv_nsec == rhs.modified.tv_nsec
        }
    }

    private let path: String?
    private let state: Mutex<Snapshot>
    private let report: @Sendable (String) -> Void

    /// A fixed set of tokens (tests, the demo).
    public init(_ registry: TokenRegistry) {
        path = nil
        state = Mutex(Snapshot(registry: registry))
        report = { _ in }
    }

    /// The tokens in the file at `path`, read now and again whenever the file changes.
    ///
    /// - Parameters:
    ///   - path: the tokens file (mode 0600).
    ///   - report: told once per problem when a changed file cannot be taken.
    /// - Throws: ``CentralServiceError`` when the file cannot be read now.
    public init(path: String, report: @escaping @Sendable (String) -> Void = { _ in }) throws(CentralServiceError) {
        self.path = path
        let signature = Self.signature(of: path)
        state = Mutex(Snapshot(registry: try TokenRegistry.load(path: path), signature: signature))
        self.report = report
    }

    /// The tokens in force, after re-reading the file if it changed.
    public var current: TokenRegistry {
        guard let path else { return state.withLock { $0.registry } }
        let signature = Self.signature(of: path)
        return state.withLock { snapshot in
            guard signature != snapshot.signature else { return snapshot.registry }
            do {
                snapshot.registry = try TokenRegistry.load(path: path)
                snapshot.signature = signature
                snapshot.lastProblem = nil
            } catch {
                let problem = "\(error)"
                if snapshot.lastProblem != problem {
                    snapshot.lastProblem = problem
                    report("\(problem) Keeping the tokens read before.")
                }
            }
            return snapshot.registry
        }
    }

    private static func signature(of path: String) -> FileSignature? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileSignature(
            device: UInt64(info.st_dev),
            inode: UInt64(info.st_ino),
            size: Int64(info.st_size),
            modified: info.st_mtim
        )
    }
}
