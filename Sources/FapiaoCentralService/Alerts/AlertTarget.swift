import Foundation

/// Where alerts go: a program run with the alert's JSON on standard input, or a URL the JSON
/// is POSTed to (`serve --notify exec:PROGRAM ARGS | https://…`).
public enum AlertTarget: Hashable, Sendable, CustomStringConvertible {
    case command([String])
    case webhook(String)

    /// Reads a `--notify` value.
    ///
    /// - Throws: ``AlertTargetError`` naming the rule, for anything else.
    public init(parsing text: String) throws(AlertTargetError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") {
            guard let url = URL(string: trimmed), url.host?.isEmpty == false, url.user == nil, url.password == nil
            else {
                throw AlertTargetError(
                    "--notify \(trimmed) is not a usable URL (http(s)://HOST[:PORT]/PATH, with no user or password)"
                )
            }
            self = .webhook(trimmed)
            return
        }
        guard trimmed.hasPrefix("exec:") else {
            throw AlertTargetError(
                "--notify must be exec:PROGRAM [ARGS] or an http(s):// URL, not \(trimmed.prefix(60))"
            )
        }
        let words = trimmed.dropFirst("exec:".count).split(separator: " ", omittingEmptySubsequences: true)
            .map(String.init)
        guard let program = words.first, program.hasPrefix("/") else {
            throw AlertTargetError(
                "--notify exec: needs the program's absolute path, such as exec:/usr/local/bin/page-hq"
            )
        }
        self = .command(words)
    }

    public var description: String {
        switch self {
        case .command(let words): "exec:" + words.joined(separator: " ")
        case .webhook(let url): url
        }
    }
}

/// Why a `--notify` value cannot be used.
public struct AlertTargetError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
