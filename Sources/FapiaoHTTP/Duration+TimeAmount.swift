import NIOCore

/// A Swift `Duration` as NIO's `TimeAmount`.
extension Duration {
    var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
