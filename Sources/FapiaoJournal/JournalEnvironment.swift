import FapiaoCore
import Foundation
import Logging

/// The clock, id source and logger a journal uses; injected so tests control time and ids.
public struct JournalEnvironment: Sendable {
    /// The current instant.
    public var now: @Sendable () -> UTCTimestamp
    /// A fresh UUID for invoices and operations.
    public var newID: @Sendable () -> UUID
    public var logger: Logger

    public init(
        now: @escaping @Sendable () -> UTCTimestamp,
        newID: @escaping @Sendable () -> UUID = { UUID.random() },
        logger: Logger = Logger(label: "fapiao.journal")
    ) {
        self.now = now
        self.newID = newID
        self.logger = logger
    }

    /// The system clock and random UUIDs.
    public static func system(logger: Logger = Logger(label: "fapiao.journal")) -> JournalEnvironment {
        JournalEnvironment(
            now: { UTCTimestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) },
            logger: logger
        )
    }
}
