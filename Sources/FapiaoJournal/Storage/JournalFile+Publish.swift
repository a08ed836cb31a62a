import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JournalFile {
    /// The name a new journal is built under, beside `path`, until it is complete.
    static func buildingPath(for path: String) -> String { "\(path).init-\(getpid())" }

    /// Refuses to create a journal where a file already is (init never overwrites one).
    static func refuseExisting(_ path: String) throws(JournalError) {
        var status = stat()
        if lstat(path, &status) == 0 { throw alreadyExists(path) }
    }

    static func alreadyExists(_ path: String) -> JournalError {
        JournalError(
            code: .alreadyExists,
            message:
                "A file already exists at \(path); fapiao init never overwrites one, choose another --journal path."
        )
    }

    /// Puts the complete journal built at `building` in place at `path`, never over a file that
    /// appeared meanwhile, and makes the new name durable.
    ///
    /// A hard link is atomic and fails when `path` exists; where the file system has no hard
    /// links, a rename after a fresh check (the window is the check itself).
    static func publish(_ building: String, as path: String) throws(JournalError) {
        if link(building, path) != 0 {
            let reason = errno
            if reason == EEXIST { throw alreadyExists(path) }
            guard reason == EPERM || reason == ENOTSUP || reason == EOPNOTSUPP || reason == ENOSYS else {
                throw JournalError(
                    code: .ioError,
                    message: "Cannot put the new journal in place at \(path) (\(String(cString: strerror(reason)))); "
                        + "nothing was created."
                )
            }
            try refuseExisting(path)
            guard rename(building, path) == 0 else {
                throw JournalError(
                    code: .ioError,
                    message: "Cannot put the new journal in place at \(path) (\(String(cString: strerror(errno)))); "
                        + "nothing was created."
                )
            }
        }
        remove(path: building)
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            _ = close(descriptor)
        }
    }
}
