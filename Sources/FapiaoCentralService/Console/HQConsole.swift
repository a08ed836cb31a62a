import FapiaoCore
import Foundation
import Synchronization

/// HQ's read-only web console (`serve --console`, DESIGN §7) and its logins: sessions the
/// centre issues after HQ's token, or after a one-time login code `serve --console` prints, kept
/// in memory (a restart logs everyone out).
///
/// A session id is 256 random bits sent back only as an HttpOnly, SameSite=Strict cookie; a code
/// is good once, for ten minutes.
public final class HQConsole: Sendable {
    /// How long a session lasts.
    public static let sessionLifetime: Int64 = 8 * 3_600_000
    /// How long a login code may wait to be used.
    public static let codeLifetime: Int64 = 600_000

    private struct State {
        var sessions: [String: Int64] = [:]
        var codes: [String: Int64] = [:]
    }
    private let state = Mutex(State())
    private let now: @Sendable () -> UTCTimestamp
    /// A branch not heard from for longer is flagged silent on the pages.
    public let silentAfter: Duration

    public init(silentAfter: Duration = .seconds(86_400), now: @escaping @Sendable () -> UTCTimestamp) {
        self.silentAfter = silentAfter
        self.now = now
    }

    /// A code that logs one browser in once within ten minutes.
    public func issueCode() -> String {
        let code = Self.randomHex()
        let expiry = now().millisecondsSinceEpoch + Self.codeLifetime
        state.withLock { $0.codes[code] = expiry }
        return code
    }

    /// A new session for `code`, which is used up; `nil` when it is unknown, used or expired.
    public func redeem(_ code: String) -> String? {
        let instant = now().millisecondsSinceEpoch
        let valid = state.withLock { state in state.codes.removeValue(forKey: code).map { $0 > instant } ?? false }
        return valid ? startSession() : nil
    }

    /// A new session (after HQ's token was presented).
    public func startSession() -> String {
        let id = Self.randomHex()
        let instant = now().millisecondsSinceEpoch
        state.withLock { state in
            state.sessions = state.sessions.filter { $0.value > instant }
            state.codes = state.codes.filter { $0.value > instant }
            state.sessions[id] = instant + Self.sessionLifetime
        }
        return id
    }

    /// Whether `id` names a live session.
    public func isValid(_ id: String) -> Bool {
        let instant = now().millisecondsSinceEpoch
        return state.withLock { ($0.sessions[id] ?? 0) > instant }
    }

    private static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - word.count) + word
        }.joined()
    }
}
