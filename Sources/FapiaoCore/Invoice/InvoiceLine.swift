import Foundation

/// One line of goods or services on an invoice.
public struct InvoiceLine: Hashable, Sendable {
    public var description: String
    /// An exact decimal string, informational (`"2.5"`).
    public var quantity: String?
    /// An exact decimal string, informational (`"208.3"`).
    public var unitPrice: String?
    public var net: Money
    public var taxRate: TaxRate
    public var tax: Money

    public init(
        description: String,
        quantity: String? = nil,
        unitPrice: String? = nil,
        net: Money,
        taxRate: TaxRate,
        tax: Money
    ) {
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.net = net
        self.taxRate = taxRate
        self.tax = tax
    }
}
