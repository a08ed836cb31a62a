import Foundation

/// What a central store accepts: the invoice rules every branch applies, under the centre's profile.
public struct CentralPolicy: Hashable, Sendable {
    /// The invoice rules, applied again at the centre without any check-character override.
    ///
    /// A branch may capture a taxpayer ID it cannot correct on the spot, the tax system may not.
    /// Its ``ValidationPolicy/singleInvoiceLimit`` is the seller's 开票限额, checked on the net amount.
    public var validation: ValidationPolicy

    public init(validation: ValidationPolicy = .standard) {
        self.validation = validation
    }

    public static let standard = CentralPolicy()
}
