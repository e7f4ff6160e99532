internal import Foundation
internal import PostgresNIO

/// Where a PostgreSQL state lives: a libpq-style URL, read once and checked.
///
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE&sslrootcert=FILE&schema=NAME`
/// (`postgresql://` too). The password is kept only to connect: `description` leaves it out,
/// so the location can be named in any message.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    /// How the connection is protected, as libpq's `sslmode`.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, unverified (libpq's default).
        case prefer
        /// TLS or nothing, the certificate not verified.
        case require
        /// TLS, the certificate chained to a trusted root and naming the host.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    var password: String?
    public var database: String
    public var tls: TLSMode
    /// A PEM file of roots for `verify-full` (the system's roots without it).
    public var rootCertificate: String?
    /// The schema that holds the state's tables.
    public var schema: String

    /// Reads a URL; `schema` applies when the URL names none.
    ///
    /// Errors say what is wrong in words,
    /// never repeating the URL (it may hold a password).
    public init(url text: String, schema defaultSchema: String = "reconcile") throws(PostgresStateError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else {
            throw .badURL("it is not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else { throw .badURL("it names no host") }
        self.host = host
        port = components.port ?? 5432
        user = components.user.map { $0.removingPercentEncoding ?? $0 } ?? "postgres"
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        tls = .prefer
        schema = defaultSchema
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw .badURL(
                        "sslmode '\(value)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                tls = mode
            case "sslrootcert": rootCertificate = value
            case "schema": schema = value
            // libpq parameters that change nothing here.
            case "application_name", "connect_timeout": continue
            default: throw .badURL("the parameter '\(item.name)' is not supported")
            }
        }
        guard Self.isIdentifier(schema) else {
            throw .badURL("the schema '\(schema)' is not a plain identifier (lower-case letters, digits, _)")
        }
    }

    /// The URL without its password.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database) (schema \(schema), sslmode \(tls.rawValue))"
    }

    /// A schema name that needs no quoting, so it may be spliced into statements.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 63,
            first == "_" || ("a"..."z").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// PostgresNIO's configuration for this location.
    func configuration() throws(PostgresStateError) -> PostgresConnection.Configuration {
        let tlsSetting: PostgresConnection.Configuration.TLS
        do {
            switch tls {
            case .disable:
                tlsSetting = .disable
            case .prefer, .require:
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = .none
                let context = try NIOSSLContext(configuration: settings)
                tlsSetting = tls == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                var settings = TLSConfiguration.makeClientConfiguration()
                settings.certificateVerification = .fullVerification
                if let rootCertificate { settings.trustRoots = .file(rootCertificate) }
                tlsSetting = .require(try NIOSSLContext(configuration: settings))
            }
        } catch {
            throw .connect(description, "cannot set up TLS: \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: tlsSetting
        )
        configuration.options.connectTimeout = .seconds(15)
        return configuration
    }
}

/// Why the PostgreSQL backend cannot be used; messages name the location without its password.
public enum PostgresStateError: Error, Sendable, CustomStringConvertible {
    case badURL(String)
    case connect(String, String)

    public var description: String {
        switch self {
        case .badURL(let why): return "the PostgreSQL state URL cannot be used: \(why)"
        case .connect(let location, let why): return "cannot reach the PostgreSQL state at \(location): \(why)"
        }
    }
}
