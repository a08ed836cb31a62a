import FapiaoCore
import Foundation
import NIOSSL

/// The certificate authorities an `https://` remote's certificate must chain to: the system's
/// trust store, or the roots of a PEM file (`--ca-file`, a private CA at HQ).
///
/// The remote's name (or IP address) must appear in its certificate either way.
public struct TrustedRoots: Sendable {
    /// The roots of the file, or `nil` for the system's trust store.
    let certificates: [NIOSSLCertificate]?
    /// The PEM file the roots came from, or `nil` for the system's trust store.
    public let file: String?

    /// The operating system's trust store (Debian's `/etc/ssl/certs`).
    public static let system = TrustedRoots(certificates: nil, file: nil)

    private init(certificates: [NIOSSLCertificate]?, file: String?) {
        self.certificates = certificates
        self.file = file
    }

    /// The largest CA file read: Debian's whole bundle of roots takes about 220 KiB.
    static let maximumFileSize = 4 << 20

    /// The certificates of a PEM file, trusted instead of the system's store.
    ///
    /// - Parameters:
    ///   - path: the PEM file: one or more `-----BEGIN CERTIFICATE-----` blocks.
    ///   - option: how the file was named to the user, for the messages.
    /// - Throws: ``TrustedRootsError`` when the file does not exist, cannot be read or holds no
    ///   PEM certificate.
    public init(pemFile path: String, option: String = "--ca-file") throws(TrustedRootsError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw TrustedRootsError(
                category: .notFound,
                message:
                    "\(option) \(path) does not exist; give the PEM file of the CA that issued the remote's certificate."
            )
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TrustedRootsError(category: .notFound, message: "\(option) \(path) cannot be read by this user.")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Self.maximumFileSize + 1)) ?? Data()
        guard data.count <= Self.maximumFileSize else {
            throw TrustedRootsError(
                category: .usage,
                message: "\(option) \(path) is larger than 4 MiB, far more than a bundle of CA certificates."
            )
        }
        let certificates = (try? NIOSSLCertificate.fromPEMBytes(Array(data))) ?? []
        guard !certificates.isEmpty else {
            throw TrustedRootsError(
                category: .usage,
                message: "\(option) \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----); "
                    + "give the CA's certificate in PEM (`openssl x509 -inform der -in FILE -out ca.pem` converts DER)."
            )
        }
        self.init(certificates: certificates, file: path)
    }

    /// The client's TLS configuration: full verification of the chain and of the name, TLS 1.2 or later.
    var clientConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        configuration.minimumTLSVersion = .tlsv12
        if let certificates { configuration.trustRoots = .certificates(certificates) }
        return configuration
    }
}

/// A CA file (`--ca-file`) that cannot be used.
public struct TrustedRootsError: CategorizedError, Hashable, Sendable {
    /// `.notFound` for a file that does not exist or cannot be read, `.usage` for one that holds no certificate.
    public var category: ErrorCategory
    /// What is wrong with the file, one sentence.
    public var message: String

    public var description: String { message }
}
