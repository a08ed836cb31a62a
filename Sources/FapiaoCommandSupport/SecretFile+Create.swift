import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SecretFile {
    /// A secret file made new, mode 0600, before its secret exists.
    ///
    /// It is made first so that a path that cannot take the secret is refused before anything
    /// else changes. Either
    /// ``write(_:)`` or ``abandon()`` it.
    public struct NewFile {
        /// The file's path.
        public let path: String
        private let what: String
        private let handle: FileHandle

        fileprivate init(path: String, what: String, descriptor: Int32) {
            self.path = path
            self.what = what
            self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        }

        /// Writes `secret` and a newline, flushes it to the disk and closes the file.
        ///
        /// - Throws: ``SecretFile/Failure`` `.unwritable`; the file is removed then.
        public func write(_ secret: String) throws(Failure) {
            do {
                try handle.write(contentsOf: Data((secret + "\n").utf8))
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                unlink(path)
                throw Failure(
                    kind: .unwritable,
                    message: "\(what) \(path) could not be written (\(error.localizedDescription)); it was removed."
                )
            }
        }

        /// Closes and removes the still empty file: the secret will not come.
        public func abandon() {
            try? handle.close()
            unlink(path)
        }
    }

    /// Creates a new, empty secret file readable and writable by its owner only (0600),
    /// refusing to replace anything already at `path`, even a dangling symbolic link.
    ///
    /// - Parameters:
    ///   - path: the file to create; its directory must exist.
    ///   - what: what the file will hold, for messages ("Token file").
    /// - Returns: the file, open for ``NewFile/write(_:)``.
    /// - Throws: ``Failure``: `.exists` when something is at `path` (exit 73), `.notFound` when its
    ///   directory does not exist, `.unwritable` when it cannot be created.
    public static func createNew(_ path: String, what: String) throws(Failure) -> NewFile {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            switch code {
            case EEXIST:
                throw Failure(
                    kind: .exists,
                    message: "\(what) \(path) already exists; choose another path or move the file away first."
                )
            case ENOENT, ENOTDIR:
                throw Failure(
                    kind: .notFound,
                    message: "\(what) \(path) cannot be created: its directory does not exist; create it first."
                )
            default:
                throw Failure(
                    kind: .unwritable,
                    message: "\(what) \(path) cannot be created (\(String(cString: strerror(code))))."
                )
            }
        }
        // Whatever the umask, the owner may read and write it and nobody else anything.
        fchmod(descriptor, 0o600)
        return NewFile(path: path, what: what, descriptor: descriptor)
    }
}
