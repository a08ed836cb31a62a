import Foundation

/// Where a branch syncs to, or where a centre keeps its store: the one parser of `--remote`
/// and `--store` URLs, shared by `fapiao init`, `sync`, `reconcile` and `fapiao-central`.
///
/// - `http://HOST[:PORT][/PREFIX]`, `https://…`: the central service's HTTP API.
/// - `sqlite:PATH`: a central SQLite store written to directly (one office).
/// - `postgres://USER@HOST[:PORT]/DB[?sslmode=…]` (or `postgresql://`): a central PostgreSQL store
///   written to directly; the libpq options are read by the PostgreSQL store itself.
/// - `exec:PROGRAM [ARGUMENTS…]`: a program speaking `Schema/exec-protocol.md` on its standard
///   input and output. Arguments are split at spaces; `'…'` and `"…"` quote, `\` escapes.
///
/// A location never carries a secret: a user name with a password in an `http`, `https` or
/// `postgres` URL is refused (it would be stored in the journal and shown by `ps`), unless the
/// caller read the URL from a secret file (``Source/secretFile``).
public enum RemoteLocation: Hashable, Sendable, CustomStringConvertible {
    case http(URL)
    case sqlite(path: String)
    case postgres(url: String)
    case exec(program: String, arguments: [String])

    /// Where the text of a location came from, which decides whether it may hold a password.
    public enum Source: Hashable, Sendable {
        /// A command-line argument or the journal's settings: never a password.
        case argument
        /// A 0600 file or an environment variable that only its owner sees: a password is allowed.
        case secretFile
    }

    /// Reads a location.
    ///
    /// - Parameters:
    ///   - text: the URL as given.
    ///   - source: where `text` came from.
    ///   - what: the option's name for messages (`--remote`, `--store`).
    /// - Throws: ``RemoteLocationError`` naming the rule `text` breaks.
    public init(_ text: String, source: Source = .argument, what: String = "--remote") throws(RemoteLocationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            self = .http(try Self.httpURL(trimmed, what: what))
        } else if lowered.hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw RemoteLocationError(what, "sqlite: needs a path, e.g. sqlite:/srv/fapiao/central.sqlite")
            }
            self = .sqlite(path: path)
        } else if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: trimmed) else {
                throw RemoteLocationError(
                    what,
                    "is not a URL (percent-encode special characters in the user name), e.g. postgres://fapiao@db.example.cn/fapiao"
                )
            }
            if components.password != nil, source == .argument {
                throw RemoteLocationError(
                    what,
                    "carries a password, which would be stored and shown by `ps`; remove it and give the password "
                        + "in a 0600 file or the environment"
                )
            }
            self = .postgres(url: trimmed)
        } else if lowered.hasPrefix("exec:") {
            let words = try Self.words(String(trimmed.dropFirst("exec:".count)), what: what)
            guard let program = words.first, !program.isEmpty else {
                throw RemoteLocationError(what, "exec: needs a program, e.g. exec:/usr/local/bin/upload-invoices")
            }
            self = .exec(program: program, arguments: Array(words.dropFirst()))
        } else {
            throw RemoteLocationError(
                what,
                "must start with http://, https://, sqlite:, postgres:// or exec:, e.g. http://hq.example:8080"
            )
        }
    }

    /// The location as it may be printed and stored: never with a password.
    public var description: String {
        switch self {
        case .http(let url): url.absoluteString
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): Self.redacted(postgres: url)
        case .exec(let program, let arguments):
            "exec:" + ([program] + arguments).map(Self.quoted).joined(separator: " ")
        }
    }

    /// The kind of remote, for messages and metrics: `http`, `sqlite`, `postgres`, `exec`.
    public var scheme: String {
        switch self {
        case .http: "http"
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        case .exec: "exec"
        }
    }

    private static func httpURL(_ text: String, what: String) throws(RemoteLocationError) -> URL {
        var base = text
        while base.hasSuffix("/") { base.removeLast() }
        guard let components = URLComponents(string: base), let host = components.host, !host.isEmpty else {
            throw RemoteLocationError(what, "is not an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080")
        }
        guard components.user == nil, components.password == nil else {
            throw RemoteLocationError(
                what,
                "carries a user name or password, which would be stored in the journal and shown by `ps`; "
                    + "remove it and give the token in a 0600 --token-file or $FAPIAO_TOKEN"
            )
        }
        guard components.query == nil, components.fragment == nil, let url = components.url else {
            throw RemoteLocationError(what, "must not carry a query or a fragment, e.g. http://hq.example:8080")
        }
        return url
    }

    private static func redacted(postgres text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? text
    }

    private static func quoted(_ word: String) -> String {
        guard word.isEmpty || word.contains(where: { " \t'\"\\".contains($0) }) else { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Splits an `exec:` command into words the way a shell would for plain words and quotes
    /// (no variables, globs or other expansions).
    static func words(_ text: String, what: String) throws(RemoteLocationError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"):
                escaped = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case (nil, " "), (nil, "\t"):
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                if character == "\n" || character == "\r" || character == "\0" {
                    throw RemoteLocationError(what, "exec: must be one line without NUL characters")
                }
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil, !escaped else {
            throw RemoteLocationError(what, "exec: has an unclosed quote or a trailing backslash")
        }
        if inWord { words.append(current) }
        return words
    }
}
