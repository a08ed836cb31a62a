import Foundation

/// An invoice version as the centre holds it.
public struct RemoteVersion: Hashable, Sendable {
    public var invoice: Invoice
    public var clock: VectorClock

    public init(invoice: Invoice, clock: VectorClock) {
        self.invoice = invoice
        self.clock = clock
    }
}
