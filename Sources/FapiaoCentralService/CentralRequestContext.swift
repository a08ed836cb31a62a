import FapiaoCentralStore
import Hummingbird
import NIOCore

/// The per-request context of the central service: Hummingbird's core storage plus the
/// connection, which fault injection closes to drop a reply.
public struct CentralRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's connection.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }

    /// Closes the connection without a reply, then throws so nothing else is written.
    ///
    /// Hummingbird turns a thrown error into a 500 response, but by then the channel is
    /// closed and the write fails: the client sees the connection end with no response at
    /// all, which is what a crash or a network cut after the commit looks like.
    func dropConnection() async throws -> Never {
        try? await channel.close()
        throw ConnectionDropped()
    }
}

/// Thrown after the connection was closed on purpose; passes through the error middleware.
struct ConnectionDropped: Error {}
