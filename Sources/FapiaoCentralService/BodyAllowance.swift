import Synchronization

/// The bytes of request bodies the service holds at once, across every connection.
///
/// Each body takes its bytes as they arrive and gives them back when its request has been
/// answered (the parsed document lives as long as the handler); a chunk that would take the
/// total past the maximum is refused, and the request is answered 503 (try again) instead of
/// read further. So a flood of large requests costs memory bounded by the maximum, not by the
/// number of connections.
final class BodyAllowance: Sendable {
    /// The bytes one request has taken.
    final class Ledger: Sendable {
        private let bytes = Mutex(0)

        /// Records bytes taken for the request.
        func add(_ count: Int) { bytes.withLock { $0 += count } }

        /// The bytes taken so far.
        var taken: Int { bytes.withLock { $0 } }
    }

    /// The ledger of the request the current task is handling, set by ``holding(_:)``.
    @TaskLocal static var ledger: Ledger?

    /// The most bytes held at once.
    let maximum: Int
    private let held = Mutex(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Takes `bytes` if the total stays within ``maximum``; `false` (nothing taken) otherwise.
    func take(_ bytes: Int) -> Bool {
        held.withLock { held in
            guard bytes <= maximum - held else { return false }
            held += bytes
            return true
        }
    }

    /// Gives back bytes taken earlier.
    func give(_ bytes: Int) {
        held.withLock { $0 -= bytes }
    }

    /// The bytes held now.
    var inUse: Int { held.withLock { $0 } }

    /// Handles one request: whatever its body takes (through ``Ledger``) is given back when
    /// `handler` ends, however it ends.
    func holding<T: Sendable>(_ handler: () async throws -> T) async throws -> T {
        let ledger = Ledger()
        defer { give(ledger.taken) }
        return try await Self.$ledger.withValue(ledger) { try await handler() }
    }
}
