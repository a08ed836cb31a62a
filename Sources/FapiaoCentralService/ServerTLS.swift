import Foundation
import NIOSSL

/// The certificate chain and private key the central service presents over TLS
/// (`fapiao-central serve --tls-cert FILE --tls-key FILE`), checked before it listens.
///
/// Both files are PEM. The certificate file holds the server's certificate first, then any
/// intermediates (a chain as a CA hands it out is fine). The key must be unencrypted and must
/// match the first certificate: the service would otherwise start and fail every handshake.
public struct ServerTLS: Sendable {
    /// The TLS configuration for the server (Hummingbird's `.tls(…)` server builder).
    public let configuration: TLSConfiguration
    /// The moment the server's own certificate expires.
    public let notValidAfter: Date

    /// The largest certificate or key file read: a chain of a dozen certificates takes 20 KiB.
    static let maximumFileSize = 1 << 20

    /// Reads and checks the certificate chain and the key.
    ///
    /// - Parameters:
    ///   - certificateFile: the PEM certificate chain, the server's own certificate first.
    ///   - keyFile: the PEM private key of that certificate, unencrypted.
    ///   - certificateOption: how the certificate file was named to the user, for the messages.
    ///   - keyOption: how the key file was named to the user, for the messages.
    /// - Throws: ``CentralServiceError`` `.tlsFileNotFound` when a file does not exist or
    ///   cannot be read, `.invalidTLSFile` when it is not PEM, holds no certificate or key, or
    ///   the key does not match the certificate.
    public init(
        certificateFile: String,
        keyFile: String,
        certificateOption: String = "--tls-cert",
        keyOption: String = "--tls-key"
    ) throws(CentralServiceError) {
        let certificateBytes = try Self.read(certificateFile, option: certificateOption)
        let keyBytes = try Self.read(keyFile, option: keyOption)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(certificateBytes)
        } catch {
            certificates = []
        }
        guard let leaf = certificates.first else {
            throw CentralServiceError(
                .invalidTLSFile,
                "\(certificateOption) \(certificateFile) \(Self.describe(certificateBytes, wanted: "CERTIFICATE"))"
                    + "; give the server's certificate chain in PEM, its own certificate first."
            )
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw CentralServiceError(
                .invalidTLSFile,
                "\(keyOption) \(keyFile) \(Self.describe(keyBytes, wanted: "PRIVATE KEY"))"
                    + "; give the certificate's private key in PEM, unencrypted."
            )
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        do {
            // Building a context is where the TLS library compares the key with the certificate.
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw CentralServiceError(
                .invalidTLSFile,
                "\(keyOption) \(keyFile) does not match the certificate in \(certificateOption) \(certificateFile); "
                    + "give the private key the certificate was issued for."
            )
        }
        self.configuration = configuration
        self.notValidAfter = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
    }

    /// The bytes of a certificate or key file, bounded.
    static func read(_ path: String, option: String) throws(CentralServiceError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CentralServiceError(
                .tlsFileNotFound,
                "\(option) \(path) does not exist; give the path of a PEM file."
            )
        }
        guard !isDirectory.boolValue else {
            throw CentralServiceError(.invalidTLSFile, "\(option) \(path) is a directory; give the path of a PEM file.")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CentralServiceError(
                .tlsFileNotFound,
                "\(option) \(path) cannot be read by this user; let the service's user read it (mode 0640 or 0600)."
            )
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw CentralServiceError(.tlsFileNotFound, "\(option) \(path) cannot be read (\(error)).")
        }
        guard data.count <= maximumFileSize else {
            throw CentralServiceError(
                .invalidTLSFile,
                "\(option) \(path) is larger than 1 MiB, far more than a certificate chain or key; give a PEM file."
            )
        }
        return Array(data)
    }

    /// What a file that did not parse holds, as the end of a sentence naming it.
    static func describe(_ bytes: [UInt8], wanted: String) -> String {
        guard let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN ") else {
            return bytes.isEmpty ? "is empty" : "is not a PEM file (no -----BEGIN \(wanted)----- block; DER?)"
        }
        if text.contains("ENCRYPTED") { return "holds an encrypted key, which the service cannot unlock" }
        return "holds no readable \(wanted.lowercased()) block"
    }
}
