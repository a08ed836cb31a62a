import FapiaoCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An audit export in memory: the rows file and the signed manifest, by file name.
///
/// Made from entries, not from a journal, so a branch exports its own chain and the centre a
/// branch's chain it holds (``make(entries:filter:chainHead:node:created:format:signingKey:)``);
/// ``write(to:)`` and ``read(from:)`` move it to and from a directory, and ``verify(expecting:)``
/// checks it offline.
public struct AuditExport: Sendable {
    /// Each file's contents, by name; the manifest among them.
    public var files: [String: [UInt8]]

    public init(files: [String: [UInt8]]) {
        self.files = files
    }

    /// Builds and signs an export of `entries` (already filtered, in chain order).
    ///
    /// - Parameters:
    ///   - entries: the entries to export.
    ///   - filter: the filter they were selected by, recorded in the manifest.
    ///   - chainHead: the last entry of the whole chain.
    ///   - node: the node whose chain it is.
    ///   - created: when the export is made.
    ///   - format: how the rows are written.
    ///   - signingKey: the node's key.
    /// - Returns: the export and its manifest.
    public static func make(
        entries: [AuditEntry],
        filter: AuditFilter,
        chainHead: AuditEntry?,
        node: String,
        created: UTCTimestamp,
        format: AuditExportFormat,
        signingKey: AuditSigningKey
    ) -> (export: AuditExport, manifest: AuditExportManifest) {
        let rows = entries.enumerated().map { AuditExportRow(row: $0.offset + 1, entry: $0.element) }
        let contents = format.encode(rows)
        let manifest = AuditExportManifest(
            node: node,
            created: created,
            filter: filter,
            rows: rows,
            rowsFile: format.fileName,
            chainHead: chainHead.map(AuditExportManifest.Position.init),
            files: [AuditExportManifest.File(name: format.fileName, contents: contents)],
            signingKey: signingKey
        )
        var manifestBytes = manifest.json.bytes
        manifestBytes.append(0x0A)
        let export = AuditExport(files: [format.fileName: contents, AuditExportManifest.fileName: manifestBytes])
        return (export, manifest)
    }

    /// Refuses `directory` as an export's destination unless it is missing or empty.
    ///
    /// - Throws: ``AuditExportProblem`` (exists, exit 73) naming the directory.
    public static func checkDestination(_ directory: String) throws(AuditExportProblem) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw AuditExportProblem(
                code: .exists,
                message: "\(directory) exists and is a file; name a new or empty directory for the export."
            )
        }
        guard (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? false else {
            throw AuditExportProblem(
                code: .exists,
                message: "The directory \(directory) is not empty; name a new or empty directory for the export."
            )
        }
    }

    /// Writes the files into `directory`, creating it (0700) when missing; the manifest last, so
    /// an export cut short has none and does not verify.
    ///
    /// - Throws: ``AuditExportProblem``: `exists` (exit 73) when `directory` exists and is not
    ///   empty, `writeFailed` when a file cannot be written.
    public func write(to directory: String) throws(AuditExportProblem) {
        try Self.checkDestination(directory)
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw AuditExportProblem(
                    code: .writeFailed,
                    message: "The directory \(directory) cannot be created (\(error.localizedDescription))."
                )
            }
        }
        let names = files.keys.filter { $0 != AuditExportManifest.fileName }.sorted() + [AuditExportManifest.fileName]
        for name in names {
            try Self.writeFile(files[name] ?? [], to: (directory as NSString).appendingPathComponent(name))
        }
    }

    /// Writes `bytes` to a new file (0600) and flushes it to disk.
    private static func writeFile(_ bytes: [UInt8], to path: String) throws(AuditExportProblem) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw AuditExportProblem(
                code: .writeFailed,
                message: "The file \(path) cannot be created (\(String(cString: strerror(errno))))."
            )
        }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { writeBytes(descriptor, $0) }
            guard count > 0 else {
                throw AuditExportProblem(
                    code: .writeFailed,
                    message: "The file \(path) cannot be written (\(String(cString: strerror(errno)))); "
                        + "is the disk full? Remove the directory and export again."
                )
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            throw AuditExportProblem(
                code: .writeFailed,
                message: "The file \(path) cannot be flushed to disk (\(String(cString: strerror(errno))))."
            )
        }
    }
}

/// `write(2)`, out of reach of ``AuditExport/write(to:)``'s name.
private func writeBytes(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
    write(descriptor, buffer.baseAddress, buffer.count)
}
