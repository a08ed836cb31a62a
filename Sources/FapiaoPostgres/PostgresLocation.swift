import FapiaoCentralStore
import Foundation
import PostgresNIO

/// Where a central PostgreSQL store is: a `postgres://` URL, read the way libpq reads one.
///
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE?sslmode=MODE&sslrootcert=FILE&application_name=NAME`.
/// `sslmode` is `disable`, `prefer` (the default: TLS when the server offers it, unverified),
/// `require` (TLS, unverified), `verify-ca` (TLS, certificate checked against `sslrootcert`
/// or the system's roots) or `verify-full` (and the host name too).
///
/// The password is kept apart from everything printable: ``description`` and
/// ``redacted`` never show it, so the location can be logged and put in messages.
public struct PostgresLocation: Hashable, Sendable, CustomStringConvertible {
    /// How the connection is secured, as libpq's `sslmode`.
    public enum TLSMode: String, Hashable, Sendable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    public var tlsMode: TLSMode
    /// A PEM file of the certificate authorities to trust (`sslrootcert`).
    public var rootCertificateFile: String?
    /// The name the server shows for the connections in `pg_stat_activity`.
    public var applicationName: String
    /// The password, when the URL carried one or one was supplied; never printed.
    public var password: String?

    /// Reads a `postgres://` or `postgresql://` URL.
    ///
    /// - Throws: ``CentralStoreError`` `.invalidLocation`, naming the part that is wrong.
    public init(url text: String, applicationName: String = "fapiao") throws(CentralStoreError) {
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw Self.invalid("must start with postgres:// or postgresql://")
        }
        guard let components = URLComponents(string: text) else {
            throw Self.invalid("is not a URL (percent-encode special characters in the user name and password)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw Self.invalid("names no host, e.g. postgres://fapiao@db.example.cn/fapiao")
        }
        guard let user = components.user, !user.isEmpty else {
            throw Self.invalid("names no user, e.g. postgres://fapiao@\(host)/fapiao")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else {
            throw Self.invalid("must name one database after the host, e.g. postgres://\(user)@\(host)/fapiao")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user
        self.database = database
        self.password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        self.tlsMode = .prefer
        self.applicationName = applicationName
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Self.invalid("has sslmode=\(value); it must be one of \(modes)")
                }
                tlsMode = mode
            case "sslrootcert":
                rootCertificateFile = value
            case "application_name":
                self.applicationName = value
            default:
                throw Self.invalid(
                    "has the option \(item.name), which Fapiao does not know (sslmode, sslrootcert, application_name)"
                )
            }
        }
        guard (1...65535).contains(port) else { throw Self.invalid("has port \(port), outside 1…65535") }
    }

    private static func invalid(_ problem: String) -> CentralStoreError {
        CentralStoreError(.invalidLocation, "The PostgreSQL store URL \(problem).")
    }

    /// Whether the URL itself carried a password.
    public var hasPassword: Bool { password != nil }

    /// The URL without its password.
    public var redacted: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.host = host
        components.port = port == 5432 ? nil : port
        components.path = "/" + database
        var items: [URLQueryItem] = []
        if tlsMode != .prefer { items.append(URLQueryItem(name: "sslmode", value: tlsMode.rawValue)) }
        if let rootCertificateFile { items.append(URLQueryItem(name: "sslrootcert", value: rootCertificateFile)) }
        components.queryItems = items.isEmpty ? nil : items
        return components.string ?? "postgres://\(username)@\(host)/\(database)"
    }

    public var description: String { redacted }

    /// The same place with another password (`nil` keeps none).
    public func with(password: String?) -> PostgresLocation {
        var copy = self
        copy.password = password
        return copy
    }

    /// The same server and credentials, another database (tests and tools create databases).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// The TLS settings for this location's `sslmode`, or `nil` for none.
    ///
    /// - Throws: ``CentralStoreError`` `.invalidLocation` when the root certificate file cannot be read.
    private func tlsConfiguration() throws(CentralStoreError) -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable:
            return nil
        case .prefer, .require:
            // libpq's prefer and require encrypt without checking the certificate.
            configuration.certificateVerification = .none
        case .verifyCA, .verifyFull:
            configuration.certificateVerification = tlsMode == .verifyFull ? .fullVerification : .noHostnameVerification
            if let rootCertificateFile {
                guard FileManager.default.isReadableFile(atPath: rootCertificateFile) else {
                    throw CentralStoreError(
                        .invalidLocation,
                        "The PostgreSQL store's sslrootcert \(rootCertificateFile) cannot be read."
                    )
                }
                configuration.trustRoots = .file(rootCertificateFile)
            }
        }
        return configuration
    }

    /// postgres-nio's pool configuration for this location.
    func clientConfiguration(maximumConnections: Int) throws(CentralStoreError) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch (tlsMode, try tlsConfiguration()) {
        case (_, nil): tls = .disable
        case (.prefer, let configuration?): tls = .prefer(configuration)
        case (_, let configuration?): tls = .require(configuration)
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    /// postgres-nio's configuration of a single connection to this location (tools and tests
    /// that need one connection of their own use it too).
    public func connectionConfiguration() throws(CentralStoreError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch (tlsMode, try tlsConfiguration()) {
            case (_, nil): tls = .disable
            case (.prefer, let configuration?): tls = .prefer(try NIOSSLContext(configuration: configuration))
            case (_, let configuration?): tls = .require(try NIOSSLContext(configuration: configuration))
            }
        } catch let error as CentralStoreError {
            throw error
        } catch {
            throw CentralStoreError(.invalidLocation, "The PostgreSQL store's TLS settings are unusable (\(error)).")
        }
        var configuration = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }
}
