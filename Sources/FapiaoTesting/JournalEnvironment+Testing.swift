import FapiaoCore
import FapiaoJournal
import Foundation

extension JournalEnvironment {
    /// An environment for tests: time from `clock`, ids from `ids`, never the system clock.
    ///
    /// - Parameters:
    ///   - clock: the clock every timestamp is read from.
    ///   - ids: where invoice and operation ids come from (sequential from 1 by default).
    /// - Returns: the environment to pass to ``Journal/create(at:settings:actor:environment:)``
    ///   and ``Journal/open(at:environment:)``.
    public static func testing(
        clock: ManualClock,
        ids: SequentialIDSource = SequentialIDSource()
    ) -> JournalEnvironment {
        JournalEnvironment(now: { clock.now }, newID: { ids.next() })
    }
}
