import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoRemote
import FapiaoTesting
import Foundation
import Logging
import Testing

/// TLS between a branch and the centre: the service's certificate files, the branch's CA file,
/// and how each failure is told to the person reading the sync log.
@Suite struct TLSTests {
    static let silent = Logger(label: "tls-tests") { _ in SwiftLogNoOpLogHandler() }

    /// Runs `body` against a central service on 127.0.0.1, over TLS with `certificate` and `key`
    /// (plain HTTP when `nil`), with `node`'s token.
    static func withService<T>(
        certificate: String?,
        key: String?,
        _ body: (_ port: Int, _ token: String, _ directory: TemporaryDirectory) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "fapiao-tls-tests")
        let tokensPath = directory.file("tokens")
        let token = try TokenRegistry.addToken(for: "bj-01", toFileAt: tokensPath)
        let tls = try certificate.map { certificate in
            try ServerTLS(
                certificateFile: try TLSFixtures.write(certificate, as: "cert.pem", in: directory),
                keyFile: try TLSFixtures.write(key ?? "", as: "key.pem", in: directory)
            )
        }
        let service = CentralService(
            store: InMemoryCentralStore(),
            tokens: try TokenRegistry.load(path: tokensPath),
            logger: silent
        )
        let running = try await service.start(tls: tls)
        #expect(running.url.hasPrefix(tls == nil ? "http://" : "https://"))
        do {
            let result = try await body(running.address.port, token, directory)
            await running.stop()
            return result
        } catch {
            await running.stop()
            throw error
        }
    }

    /// The error of `health()` against `url`, trusting `roots`.
    static func healthFailure(_ url: String, token: String, roots: TrustedRoots = .system) async throws -> RemoteError {
        let remote = try HTTPRemote(baseURL: url, token: token, trustedRoots: roots)
        defer { Task { await remote.shutdown() } }
        do {
            _ = try await remote.health()
        } catch let error as RemoteError {
            return error
        }
        Issue.record("health() against \(url) succeeded")
        return RemoteError(.unreachable, "succeeded")
    }

    // MARK: The service's files

    @Test func serverTLSReadsAChainAndAMatchingKey() throws {
        let directory = try TemporaryDirectory(prefix: "fapiao-tls-tests")
        let chain = TLSFixtures.serverCertificate + "\n" + TLSFixtures.caCertificate
        let tls = try ServerTLS(
            certificateFile: try TLSFixtures.write(chain, as: "chain.pem", in: directory),
            keyFile: try TLSFixtures.write(TLSFixtures.serverKey, as: "key.pem", in: directory)
        )
        #expect(tls.notValidAfter > Date())
    }

    @Test func serverTLSRefusesMissingForeignAndMismatchedFiles() throws {
        let directory = try TemporaryDirectory(prefix: "fapiao-tls-tests")
        let certificate = try TLSFixtures.write(TLSFixtures.serverCertificate, as: "cert.pem", in: directory)
        let key = try TLSFixtures.write(TLSFixtures.serverKey, as: "key.pem", in: directory)
        let otherKey = try TLSFixtures.write(TLSFixtures.elsewhereKey, as: "other.pem", in: directory)
        let der = directory.file("cert.der")
        try Data([0x30, 0x82, 0x01, 0x0A, 0x02]).write(to: URL(fileURLWithPath: der))
        let cases: [(String, String, CentralServiceError.Code, String)] = [
            (
                directory.file("none.pem"), key, .tlsFileNotFound,
                "--tls-cert \(directory.file("none.pem")) does not exist"
            ),
            (certificate, directory.file("none.key"), .tlsFileNotFound, "--tls-key"),
            (der, key, .invalidTLSFile, "--tls-cert \(der) is not a PEM file"),
            (key, key, .invalidTLSFile, "holds no readable certificate"),
            (certificate, certificate, .invalidTLSFile, "--tls-key \(certificate) holds no readable private key"),
            (certificate, otherKey, .invalidTLSFile, "--tls-key \(otherKey) does not match the certificate"),
        ]
        for (certificateFile, keyFile, code, text) in cases {
            let error = #expect(throws: CentralServiceError.self) {
                try ServerTLS(certificateFile: certificateFile, keyFile: keyFile)
            }
            #expect(error?.code == code)
            #expect(error?.message.contains(text) == true, "\(error?.message ?? "")")
            #expect(error?.category == (code == .tlsFileNotFound ? .notFound : .usage))
        }
    }

    // MARK: The branch's CA file

    @Test func trustedRootsRefuseMissingAndForeignFiles() throws {
        let directory = try TemporaryDirectory(prefix: "fapiao-tls-tests")
        let missing = #expect(throws: TrustedRootsError.self) {
            try TrustedRoots(pemFile: directory.file("none.pem"))
        }
        #expect(missing?.category == .notFound)
        #expect(missing?.message.hasPrefix("--ca-file \(directory.file("none.pem")) does not exist") == true)
        let key = try TLSFixtures.write(TLSFixtures.serverKey, as: "key.pem", in: directory)
        let foreign = #expect(throws: TrustedRootsError.self) { try TrustedRoots(pemFile: key) }
        #expect(foreign?.category == .usage)
        #expect(foreign?.message.contains("holds no PEM certificate") == true)
        let roots = try TrustedRoots(
            pemFile: try TLSFixtures.write(TLSFixtures.caCertificate, as: "ca.pem", in: directory)
        )
        #expect(roots.file == directory.file("ca.pem"))
    }

    // MARK: Over the wire

    @Test func aBranchTrustingTheCAReachesTheCentre() async throws {
        try await Self.withService(certificate: TLSFixtures.serverCertificate, key: TLSFixtures.serverKey) {
            port,
            token,
            directory in
            let roots = try TrustedRoots(
                pemFile: try TLSFixtures.write(TLSFixtures.caCertificate, as: "ca.pem", in: directory)
            )
            for host in ["127.0.0.1", "localhost"] {
                let remote = try HTTPRemote(baseURL: "https://\(host):\(port)", token: token, trustedRoots: roots)
                let health = try await remote.health()
                await remote.shutdown()
                #expect(health.node == "central")
            }
        }
    }

    @Test func anUntrustedIssuerIsNamedAndRefusedWith77() async throws {
        try await Self.withService(certificate: TLSFixtures.serverCertificate, key: TLSFixtures.serverKey) {
            port,
            token,
            _ in
            let url = "https://127.0.0.1:\(port)"
            let error = try await Self.healthFailure(url, token: token)
            #expect(error.kind == .untrustedCertificate)
            #expect(error.category == .permission)
            #expect(!error.isTransient)
            #expect(
                error.message
                    == "The certificate of \(url) is not trusted: its issuer is not in the system's trust store "
                    + "(give HQ's CA with --ca-file); nothing was sent."
            )
        }
    }

    @Test func aCertificateForAnotherNameIsNamed() async throws {
        try await Self.withService(certificate: TLSFixtures.elsewhereCertificate, key: TLSFixtures.elsewhereKey) {
            port,
            token,
            directory in
            let roots = try TrustedRoots(
                pemFile: try TLSFixtures.write(TLSFixtures.caCertificate, as: "ca.pem", in: directory)
            )
            let error = try await Self.healthFailure("https://127.0.0.1:\(port)", token: token, roots: roots)
            #expect(error.kind == .untrustedCertificate)
            #expect(error.message.contains("is not trusted: it is not issued for 127.0.0.1; nothing was sent."))
        }
    }

    @Test func anExpiredCertificateIsNamedWithItsDate() async throws {
        try await Self.withService(certificate: TLSFixtures.expiredCertificate, key: TLSFixtures.expiredKey) {
            port,
            token,
            directory in
            let roots = try TrustedRoots(
                pemFile: try TLSFixtures.write(TLSFixtures.caCertificate, as: "ca.pem", in: directory)
            )
            let error = try await Self.healthFailure("https://localhost:\(port)", token: token, roots: roots)
            #expect(error.kind == .untrustedCertificate)
            #expect(error.message.contains("is not trusted: it expired on 2020-01-02; nothing was sent."))
        }
    }

    @Test func plainHTTPToATLSPortSaysToUseHTTPS() async throws {
        try await Self.withService(certificate: TLSFixtures.serverCertificate, key: TLSFixtures.serverKey) {
            port,
            token,
            _ in
            let error = try await Self.healthFailure("http://127.0.0.1:\(port)", token: token)
            #expect(error.kind == .wrongScheme)
            #expect(error.category == .usage)
            #expect(!error.isTransient)
            #expect(
                error.message.hasPrefix(
                    "The remote at http://127.0.0.1:\(port) answered with TLS, not HTTP: use https://127.0.0.1:\(port)"
                )
            )
        }
    }

    @Test func httpsToAPlainPortSaysItAnsweredInPlainHTTP() async throws {
        try await Self.withService(certificate: nil, key: nil) { port, token, _ in
            let error = try await Self.healthFailure("https://127.0.0.1:\(port)", token: token)
            #expect(error.kind == .wrongScheme)
            #expect(error.message.hasPrefix("The remote at https://127.0.0.1:\(port) answered in plain HTTP, not TLS"))
        }
    }

    @Test func aRefusedConnectionIsStillUnreachable() async throws {
        // The TLS diagnosis must not turn an ordinary outage into a wrong-scheme error.
        let port = try await Self.withService(certificate: nil, key: nil) { port, _, _ in port }
        for scheme in ["http", "https"] {
            let error = try await Self.healthFailure("\(scheme)://127.0.0.1:\(port)", token: "t")
            #expect(error.kind == .unreachable, "\(scheme): \(error.message)")
        }
    }
}
