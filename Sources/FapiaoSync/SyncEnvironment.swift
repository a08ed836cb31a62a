import Foundation
import Logging

/// The engine's view of time and chance, replaceable in tests.
public struct SyncEnvironment: Sendable {
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A number in [0, 1) for backoff jitter.
    public var jitter: @Sendable () -> Double
    public var logger: Logger

    public init(
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "fapiao.sync")
    ) {
        self.sleep = sleep
        self.jitter = jitter
        self.logger = logger
    }
}
