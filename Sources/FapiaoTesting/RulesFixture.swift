import FapiaoCore
import Foundation

/// Invoices and operations for the centre's rules and the wire format.
public struct RulesFixture: Sendable {
    public init() {}

    public static let branch = "bj-01"
    public let clock = ManualClock()

    /// The fixture invoice with number `InvoiceFixtures.number(sequence)` and id `SequentialIDSource.id(id)`.
    public func invoice(_ sequence: Int = 1, id: UInt64 = 1, branch: String = branch) throws -> Invoice {
        let context = CaptureContext(id: SequentialIDSource.id(id), capturedAt: clock.now, branch: branch)
        let input = InvoiceFixtures.validInput(clock: clock, number: InvoiceFixtures.number(sequence))
        return try InvoiceValidator.validate(input, context: context).invoice
    }

    /// An operation with id `SequentialIDSource.id(id)`.
    public func operation(
        _ id: UInt64,
        _ kind: InvoiceOperation.Kind = .create,
        _ invoice: Invoice,
        _ clock: [String: UInt64] = [branch: 1]
    ) -> InvoiceOperation {
        InvoiceOperation(id: SequentialIDSource.id(id), kind: kind, clock: VectorClock(clock), invoice: invoice)
    }

    /// `invoice` as the centre holds it with `clock`.
    public func version(_ invoice: Invoice, _ clock: [String: UInt64]) -> RemoteVersion {
        RemoteVersion(invoice: invoice, clock: VectorClock(clock))
    }

    /// `invoice` voided at the centre.
    public func voided(_ invoice: Invoice) -> Invoice {
        var copy = invoice
        copy.void = VoidRecord(reason: "开错了", at: clock.now, by: "总部")
        return copy
    }

    /// `invoice` with another buyer name.
    public func amended(_ invoice: Invoice, buyer: String = "北京新客户有限公司") -> Invoice {
        var copy = invoice
        copy.buyer.name = buyer
        return copy
    }
}
