import Foundation

/// A source of predictable UUIDs, numbered from 1.
///
/// The ids run `00000001-0000-4000-8000-000000000001`, `00000002-0000-4000-8000-000000000002`, …
/// Journals mint invoice and operation ids through ``FapiaoJournal/JournalEnvironment/newID``;
/// with this source a test knows which id the next invoice or operation gets. The number
/// is written in the first group as well as the last, so the 8-character id prefixes that
/// messages and `fapiao show` use differ from one id to the next.
public final class SequentialIDSource: @unchecked Sendable {
    // `lock` (the NSLock below) guards `counter`: every read and write takes it.
    private let lock = NSLock()
    private var counter: UInt64

    /// Creates a source whose first id ends in `first`.
    /// - Parameter first: the number the first id carries (1 unless told otherwise).
    public init(startingAt first: UInt64 = 1) {
        counter = first
    }

    /// The id with number `number`, as this source writes it.
    /// - Parameter number: the sequence number (at most 2^32 − 1).
    /// - Returns: `number` as 8 hexadecimal digits, `-0000-4000-8000-`, and `number` as 12 digits.
    public static func id(_ number: UInt64) -> UUID {
        func hex(_ value: UInt64, width: Int) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let text = hex(number & 0xFFFF_FFFF, width: 8) + "-0000-4000-8000-" + hex(number & 0xFFFF_FFFF, width: 12)
        guard let id = UUID(uuidString: text) else { preconditionFailure("malformed sequential UUID \(text)") }
        return id
    }

    /// The next id; each call returns a new one.
    public func next() -> UUID {
        lock.lock()
        defer { lock.unlock() }
        let id = Self.id(counter)
        counter += 1
        return id
    }

    /// How many ids have been handed out since the source was created with `startingAt: 1`.
    public var issued: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return counter - 1
    }
}
