import Foundation

/// (seller taxID, code, number): what makes an invoice number unique.
public struct NumberKey: Hashable, Sendable, CustomStringConvertible {
    public var sellerTaxID: String
    public var code: String
    public var number: String

    public init(sellerTaxID: String, code: String, number: String) {
        self.sellerTaxID = sellerTaxID
        self.code = code
        self.number = number
    }

    public var description: String {
        code.isEmpty
            ? "number \(number) of seller \(sellerTaxID)" : "code \(code) number \(number) of seller \(sellerTaxID)"
    }
}
