import Foundation

/// A fresh, uniquely named directory under the system's temporary directory.
///
/// The directory and everything in it is removed by ``remove()`` or, at the latest,
/// when the value is deinitialised, so each test can keep its journals apart.
public final class TemporaryDirectory: Sendable {
    /// The directory's URL.
    public let url: URL

    /// Creates the directory.
    /// - Parameter prefix: the start of the directory's name, to tell tests' leftovers apart.
    /// - Throws: the file system's error when the directory cannot be created.
    public init(prefix: String = "fapiao-tests") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(ProcessInfo.processInfo.globallyUniqueString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        remove()
    }

    /// The directory's path.
    public var path: String { url.path }

    /// The path of `name` inside the directory (nothing is created).
    /// - Parameter name: a file name or a relative path.
    /// - Returns: the absolute path.
    public func file(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    /// Removes the directory and everything in it; removing it twice does nothing.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
