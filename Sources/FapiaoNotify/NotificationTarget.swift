import Foundation

/// Where alerts and notices go: a program run with the document on standard input, or a URL it
/// is POSTed to (`fapiao-central serve --notify exec:PROGRAM ARGS | https://…`, `fapiao notify add …`).
public enum NotificationTarget: Hashable, Sendable, CustomStringConvertible {
    case command([String])
    case webhook(String)

    /// Reads a target.
    ///
    /// - Parameters:
    ///   - text: `exec:/ABSOLUTE/PROGRAM [ARGS]` or `http(s)://HOST[:PORT]/PATH`.
    ///   - field: how the value was given, for the error (`--notify`, `TARGET`).
    /// - Throws: ``NotificationTargetError`` naming the rule, for anything else.
    public init(parsing text: String, field: String = "--notify") throws(NotificationTargetError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://") {
            guard let url = URL(string: trimmed), url.host?.isEmpty == false, url.user == nil, url.password == nil
            else {
                throw NotificationTargetError(
                    "\(field) \(trimmed) is not a usable URL (http(s)://HOST[:PORT]/PATH, with no user or password)"
                )
            }
            self = .webhook(trimmed)
            return
        }
        guard trimmed.hasPrefix("exec:") else {
            throw NotificationTargetError(
                "\(field) must be exec:PROGRAM [ARGS] or an http(s):// URL, not \(trimmed.prefix(60))"
            )
        }
        let words = trimmed.dropFirst("exec:".count).split(separator: " ", omittingEmptySubsequences: true)
            .map(String.init)
        guard let program = words.first, program.hasPrefix("/") else {
            throw NotificationTargetError(
                "\(field) exec: needs the program's absolute path, such as exec:/usr/local/bin/page-hq"
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

/// Why a notification target cannot be used.
public struct NotificationTargetError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
