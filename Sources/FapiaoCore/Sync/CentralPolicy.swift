import Foundation

/// What a central store accepts beyond the invoice rules every branch applies.
public struct CentralPolicy: Hashable, Sendable {
    /// The invoice rules, applied again at the centre without any check-character override:
    /// a branch may capture a taxpayer ID it cannot correct on the spot, the tax system may not.
    public var validation: ValidationPolicy
    /// The largest gross amount one invoice may carry (the seller's 开票限额), in minor units;
    /// `nil` for no limit.
    public var maximumGross: Int64?

    public init(validation: ValidationPolicy = .standard, maximumGross: Int64? = nil) {
        self.validation = validation
        self.maximumGross = maximumGross
    }

    public static let standard = CentralPolicy()
}
