import FapiaoCore
import Foundation

/// The outcome of checking an audit export.
public struct AuditExportVerification: Sendable {
    /// The export's manifest (its signature checked or not, see ``problem``).
    public var manifest: AuditExportManifest
    /// Rows read and checked before the first problem, or all of them.
    public var rowsChecked: Int
    /// The first problem found, or `nil` when the export is intact.
    public var problem: AuditExportProblem?

    public var isIntact: Bool { problem == nil }
}

extension AuditExport {
    /// The largest file read back, so a stray huge file fails with a sentence, not a crash.
    public static let maximumFileBytes = 1 << 30

    /// Reads the manifest in `directory` and the files it lists.
    ///
    /// - Throws: ``AuditExportProblem``: `missing` (exit 66) when the directory or its manifest
    ///   does not exist, `notAnExport` (exit 65) when the manifest is not one.
    public static func read(from directory: String) throws(AuditExportProblem) -> AuditExport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AuditExportProblem(code: .missing, message: "There is no export directory \(directory).")
        }
        let manifestPath = (directory as NSString).appendingPathComponent(AuditExportManifest.fileName)
        guard let manifestBytes = try readFile(manifestPath) else {
            throw AuditExportProblem(
                code: .missing,
                message: "\(directory) holds no \(AuditExportManifest.fileName); it is not an audit export, or an "
                    + "export that was cut short."
            )
        }
        let manifest = try AuditExportManifest(parsing: manifestBytes)
        var files = [AuditExportManifest.fileName: manifestBytes]
        for file in manifest.files {
            // Only plain names in the directory itself: a manifest cannot make verify read elsewhere.
            guard !file.name.isEmpty, !file.name.hasPrefix("."), !file.name.contains("/"),
                file.name != AuditExportManifest.fileName
            else {
                throw AuditExportProblem(
                    code: .notAnExport,
                    message: "The manifest lists a file named \"\(file.name)\", which is not a plain file name."
                )
            }
            files[file.name] = try readFile((directory as NSString).appendingPathComponent(file.name))
        }
        return AuditExport(files: files)
    }

    /// The contents of `path`, or `nil` when there is no such file.
    private static func readFile(_ path: String) throws(AuditExportProblem) -> [UInt8]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumFileBytes else {
            throw .tampered("\(path) is \(size) bytes, larger than any export file this version reads (1 GiB).")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditExportProblem(
                code: .missing,
                message: "\(path) cannot be read; check its permissions."
            )
        }
        return [UInt8](data)
    }

    /// Checks the export: the manifest's signature (and key, when `expectedKey` is given), the
    /// rows against each other and the manifest, then each file's size and SHA-256.
    ///
    /// Rows are checked before the files' digests so that an edited or removed row is named,
    /// not just the file that holds it.
    ///
    /// - Throws: ``AuditExportProblem`` (notAnExport) when the manifest is missing or not one.
    /// - Returns: the verification, with the first problem found.
    public func verify(
        expecting expectedKey: AuditPublicKey? = nil
    ) throws(AuditExportProblem)
        -> AuditExportVerification
    {
        guard let manifestBytes = files[AuditExportManifest.fileName] else {
            throw AuditExportProblem(code: .missing, message: "The export holds no \(AuditExportManifest.fileName).")
        }
        let manifest = try AuditExportManifest(parsing: manifestBytes)
        var verification = AuditExportVerification(manifest: manifest, rowsChecked: 0, problem: nil)
        verification.problem = firstProblem(manifest, expectedKey: expectedKey, rowsChecked: &verification.rowsChecked)
        return verification
    }

    private func firstProblem(
        _ manifest: AuditExportManifest,
        expectedKey: AuditPublicKey?,
        rowsChecked: inout Int
    ) -> AuditExportProblem? {
        guard manifest.signatureIsValid else {
            return .tampered(
                "The manifest's signature does not verify with the key it names (\(manifest.publicKey.fingerprint)): "
                    + "\(AuditExportManifest.fileName) was changed after it was signed."
            )
        }
        if let expectedKey, expectedKey != manifest.publicKey {
            return .tampered(
                "The export is signed by key \(manifest.publicKey.fingerprint), not by the expected key "
                    + "\(expectedKey.fingerprint): it was not made by that node, or was signed again."
            )
        }
        guard let format = AuditExportFormat(fileName: manifest.rowsFile),
            manifest.files.contains(where: { $0.name == manifest.rowsFile })
        else {
            return .tampered(
                "The manifest's rows file \"\(manifest.rowsFile)\" is not among its files or not a format."
            )
        }
        for file in manifest.files where files[file.name] == nil {
            return .tampered("\(file.name), which the manifest lists, is missing from the export.")
        }
        do {
            let rows = try format.decode(files[manifest.rowsFile] ?? [], name: manifest.rowsFile)
            if let problem = AuditExportRowCheck.firstProblem(rows, manifest: manifest) {
                return .tampered("\(manifest.rowsFile): \(problem.message)")
            }
            rowsChecked = rows.count
        } catch {
            return error
        }
        for file in manifest.files {
            let contents = files[file.name] ?? []
            if Int64(contents.count) != file.bytes {
                return .tampered(
                    "\(file.name) is \(contents.count) bytes, not the \(file.bytes) the manifest records: it was changed."
                )
            }
            if Digest.sha256Hex(contents) != file.sha256 {
                return .tampered("\(file.name)'s SHA-256 is not the one the manifest records: it was changed.")
            }
        }
        return nil
    }
}
