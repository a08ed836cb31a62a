import FapiaoCentralStore
import FapiaoCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// A central service started with ``CentralService/start(host:port:)``.
public final class RunningCentralService: Sendable {
    /// Where it listens.
    public let address: CentralService.ListeningAddress
    private let task: Task<Void, any Error>

    init(address: CentralService.ListeningAddress, task: Task<Void, any Error>) {
        self.address = address
        self.task = task
    }

    /// `http://HOST:PORT`.
    public var url: String { address.url }

    /// Stops the service: the listening socket and every connection close.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
