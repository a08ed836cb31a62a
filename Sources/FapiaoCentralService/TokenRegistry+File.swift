import FapiaoCentralStore
import FapiaoCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TokenRegistry {
    /// The largest tokens file read (a line is under 140 bytes; this is thousands of nodes).
    static let maximumFileSize = 1 << 20

    /// Reads the tokens file at `path`.
    ///
    /// - Parameter path: the tokens file; it must be a regular file no one but its owner may
    ///   read or write (mode 0600 or 0400).
    /// - Returns: the registry.
    /// - Throws: ``CentralServiceError`` `.tokensFileNotFound`, `.tokensFileTooOpen`,
    ///   `.tokensFileMalformed` or `.tokensFileInaccessible`.
    public static func load(path: String) throws(CentralServiceError) -> TokenRegistry {
        try read(path: path).registry
    }

    /// Refuses a name no node can take, with ``NodeName``'s sentence (the one `fapiao init` gives).
    ///
    /// - Parameter node: the node a token is asked for.
    /// - Throws: ``CentralServiceError`` `.invalidNode`.
    public static func checkNewNode(_ node: String) throws(CentralServiceError) {
        do {
            try NodeName.validate(node)
        } catch {
            throw CentralServiceError(.invalidNode, error.message)
        }
    }

    /// Adds a new token for `node` to the tokens file at `path`, creating the file (mode 0600)
    /// if it does not exist.
    ///
    /// - Parameters:
    ///   - node: the node the token is for.
    ///   - path: the tokens file.
    /// - Returns: the new token; only its digest is written, so this is the one chance to see it.
    /// - Throws: ``CentralServiceError`` `.invalidNode`, `.nodeAlreadyHasToken`, or any error of
    ///   ``load(path:)`` about an existing file.
    public static func addToken(for node: String, toFileAt path: String) throws(CentralServiceError) -> String {
        try checkNewNode(node)
        var prefix = ""
        if FileManager.default.fileExists(atPath: path) {
            let (text, registry) = try read(path: path)
            guard !registry.nodes.contains(node) else {
                throw CentralServiceError(
                    .nodeAlreadyHasToken,
                    "\(node) already has a token in \(path); remove its line first to replace the token."
                )
            }
            if !text.isEmpty, !text.hasSuffix("\n") { prefix = "\n" }
        } else {
            try create(path: path)
        }
        let token = generateToken()
        try append(prefix + "\(node) \(digest(of: token))\n", to: path)
        return token
    }

    /// Reads, checks and parses the file.
    static func read(path: String) throws(CentralServiceError) -> (text: String, registry: TokenRegistry) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errno
            if reason == ENOENT {
                throw CentralServiceError(
                    .tokensFileNotFound,
                    "No tokens file at \(path); create one with `fapiao-central token add NODE --tokens \(path)`."
                )
            }
            throw CentralServiceError(
                .tokensFileInaccessible,
                "Cannot read the tokens file \(path) (\(String(cString: strerror(reason)))); check its owner and mode."
            )
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw CentralServiceError(.tokensFileMalformed, "The tokens file \(path) is not a regular file.")
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw CentralServiceError(
                .tokensFileTooOpen,
                "The tokens file \(path) is open to other users (mode \(String(mode, radix: 8))); "
                    + "run `chmod 600 \(path)`."
            )
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw CentralServiceError(.tokensFileInaccessible, "Cannot read the tokens file \(path); check the disk.")
        }
        guard data.count <= maximumFileSize else {
            throw CentralServiceError(.tokensFileMalformed, "The tokens file \(path) is larger than 1 MiB.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CentralServiceError(.tokensFileMalformed, "The tokens file \(path) is not UTF-8 text.")
        }
        return (text, try parse(text, path: path))
    }

    /// Parses `NODE SHA256HEX` lines; blank lines and `#` comments are skipped.
    ///
    /// A malformed line is named by its number only: it might hold a token pasted by mistake.
    static func parse(_ text: String, path: String) throws(CentralServiceError) -> TokenRegistry {
        var digests: [String: String] = [:]
        var seen: Set<String> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let lineNumber = index + 1
            // A centre made by an earlier version may hold its own node's token under a wider
            // name (``NodeName/isCentreNode(_:)``); such a file still loads.
            guard fields.count == 2, NodeName.isCentreNode(fields[0]), isDigest(fields[1]) else {
                throw CentralServiceError(
                    .tokensFileMalformed,
                    "Line \(lineNumber) of the tokens file \(path) is not `NODE SHA256HEX`; "
                        + "fix it or add tokens with `fapiao-central token add`."
                )
            }
            let digest = fields[1].lowercased()
            guard digests[fields[0]] == nil else {
                throw CentralServiceError(
                    .tokensFileMalformed,
                    "Line \(lineNumber) of the tokens file \(path) gives \(fields[0]) a second token; keep one line per node."
                )
            }
            guard seen.insert(digest).inserted else {
                throw CentralServiceError(
                    .tokensFileMalformed,
                    "Line \(lineNumber) of the tokens file \(path) repeats another node's token digest; "
                        + "give each node its own token."
                )
            }
            digests[fields[0]] = digest
        }
        return TokenRegistry(digests: digests)
    }

    private static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.allSatisfy { $0.isASCII && $0.isHexDigit }
    }

    private static func create(path: String) throws(CentralServiceError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CentralServiceError(
                .tokensFileInaccessible,
                "Cannot create the tokens file \(path) (\(String(cString: strerror(errno)))); check the directory."
            )
        }
        defer { close(descriptor) }
        _ = fchmod(descriptor, 0o600)
        try write("# fapiao-central tokens: one `NODE SHA256HEX` line per node\n", to: descriptor, path: path)
    }

    private static func append(_ text: String, to path: String) throws(CentralServiceError) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CentralServiceError(
                .tokensFileInaccessible,
                "Cannot append to the tokens file \(path) (\(String(cString: strerror(errno)))); check its owner."
            )
        }
        defer { close(descriptor) }
        try write(text, to: descriptor, path: path)
        guard fsync(descriptor) == 0 else {
            throw CentralServiceError(.tokensFileInaccessible, "Cannot save the tokens file \(path); check the disk.")
        }
    }

    private static func write(_ text: String, to descriptor: Int32, path: String) throws(CentralServiceError) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else {
                if written < 0, errno == EINTR { continue }
                throw CentralServiceError(
                    .tokensFileInaccessible,
                    "Cannot write the tokens file \(path); check the disk."
                )
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
