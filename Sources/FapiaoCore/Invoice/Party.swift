import Foundation

/// A seller or buyer: a name and a taxpayer identifier.
public struct Party: Hashable, Sendable {
    public var name: String
    public var taxID: String

    public init(name: String, taxID: String) {
        self.name = name
        self.taxID = taxID
    }
}
