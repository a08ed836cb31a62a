import FapiaoCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file holding a node's audit signing key: its 32 raw bytes as 64 hexadecimal digits and a
/// newline, readable by its owner only (0600).
///
/// By default the file lies beside the journal (`journal.sqlite.signing-key`) and is made on
/// first use; one readable by others is refused, like every ``SecretFile``.
public enum SigningKeyFile {
    /// The default key file of the journal at `journalPath`.
    public static func defaultPath(journal journalPath: String) -> String { journalPath + ".signing-key" }

    /// The key in `path`.
    ///
    /// - Throws: ``SecretFile/Failure`` when the file is missing (exit 66) or readable by others
    ///   (exit 77); ``AuditExportProblem`` (keyUnusable, exit 65) when it does not hold a key.
    public static func read(_ path: String) throws -> AuditSigningKey {
        let text = try SecretFile.read(path, what: "Signing key file")
        guard text.utf8.count == 64, let bytes = HexText.decode(text),
            let key = AuditSigningKey(rawRepresentation: bytes)
        else {
            throw AuditExportProblem(
                code: .keyUnusable,
                message:
                    "Signing key file \(path) does not hold a key (64 hexadecimal digits); restore it from a backup."
            )
        }
        return key
    }

    /// The key in `path`, made and stored there first when there is no such file.
    ///
    /// The new file is written whole under a temporary name (0600) and linked into place, so no
    /// process ever reads half a key, and of two processes making one at once both use the
    /// first's.
    ///
    /// - Returns: the key, and whether it was made now.
    /// - Throws: like ``read(_:)``; ``AuditExportProblem`` (writeFailed) when the file cannot be made.
    public static func readOrCreate(_ path: String) throws -> (key: AuditSigningKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try read(path), false) }
        let key = AuditSigningKey()
        let temporary = path + ".new-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw failure(path, "cannot be created") }
        let bytes = Array((HexText.encode(key.rawRepresentation) + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let flushed = fsync(descriptor) == 0
        close(descriptor)
        defer { unlink(temporary) }
        guard written == bytes.count, flushed else { throw failure(path, "cannot be written") }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return (try read(path), false) }
            throw failure(path, "cannot be created")
        }
        return (key, true)
    }

    /// The key an export is signed with: the file `given` (which must exist), else the one at
    /// `defaultPath`, made on first use.
    ///
    /// - Returns: the key, and its path when it was made now (tell the user to back it up and
    ///   to hand its public key on).
    public static func key(given: String?, defaultPath: String) throws -> (key: AuditSigningKey, madeAt: String?) {
        if let given { return (try read(given), nil) }
        let (key, created) = try readOrCreate(defaultPath)
        return (key, created ? defaultPath : nil)
    }

    /// The public key `argument` names: 64 hexadecimal digits, or a file holding them (as
    /// `fapiao audit export` prints them, or HQ keeps them).
    ///
    /// - Throws: ``AuditExportProblem``: `keyUnusable` (exit 65) when it is neither, `missing`
    ///   (exit 66) when the file does not exist.
    public static func publicKey(_ argument: String) throws(AuditExportProblem) -> AuditPublicKey {
        if let key = AuditPublicKey(hex: argument) { return key }
        guard FileManager.default.fileExists(atPath: argument) else {
            // Hexadecimal digits only: a key mistyped, not a file name.
            if !argument.isEmpty, argument.allSatisfy(\.isHexDigit) {
                throw AuditExportProblem(
                    code: .keyUnusable,
                    message: "--public-key \"\(argument)\" is not an Ed25519 public key (64 hexadecimal digits)."
                )
            }
            throw AuditExportProblem(code: .missing, message: "There is no public key file \(argument).")
        }
        let data = FileManager.default.contents(atPath: argument).map { [UInt8]($0.prefix(4096)) } ?? []
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = AuditPublicKey(hex: text) else {
            throw AuditExportProblem(
                code: .keyUnusable,
                message: "The public key file \(argument) does not hold an Ed25519 public key (64 hexadecimal digits)."
            )
        }
        return key
    }

    private static func failure(_ path: String, _ what: String) -> AuditExportProblem {
        AuditExportProblem(
            code: .writeFailed,
            message: "Signing key file \(path) \(what) (\(String(cString: strerror(errno)))); check the directory's "
                + "permissions, or give a key with --key."
        )
    }
}
