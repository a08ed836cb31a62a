import Foundation

extension Profile {
    /// The values a branch may set for itself (`fapiao profile set KEY VALUE`): its own
    /// single-invoice limit (the one its tax office approved) and offline limits.
    public static let branchValueKeys = [
        "singleInvoiceLimit", "offline.hours", "offline.count", "offline.positiveAmount", "offline.negativeAmount",
    ]

    /// The profile with a branch's own values in place of the profile's.
    ///
    /// - Parameter values: value text by key (``branchValueKeys``); `none` removes a limit.
    /// - Returns: the profile with the values in place.
    /// - Throws: ``ProfileError`` naming the key and the rule when a value does not read.
    public func applying(_ values: [String: String]) throws(ProfileError) -> Profile {
        var profile = self
        for (key, text) in values.sorted(by: { $0.key < $1.key }) {
            try profile.apply(key, text)
        }
        return profile
    }

    private mutating func apply(_ key: String, _ text: String) throws(ProfileError) {
        func fail(_ rule: String) -> ProfileError {
            ProfileError(profile: name, message: "the branch value \(key) \(rule), not \"\(text.prefix(40))\"")
        }
        func amount() throws(ProfileError) -> Int64? {
            if text == "none" { return nil }
            guard let money = try? Money(parsing: text), money.minorUnits > 0 else {
                throw fail("must be an amount above 0 such as 100000.00, or none")
            }
            return money.minorUnits
        }
        func whole(_ range: ClosedRange<Int>) throws(ProfileError) -> Int? {
            if text == "none" { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw fail("must be a whole number from \(range.lowerBound) to \(range.upperBound), or none")
            }
            return value
        }
        switch key {
        case "singleInvoiceLimit": singleInvoiceLimit = try amount()
        case "offline.hours": offline.hours = try whole(1...8_784)
        case "offline.count": offline.count = try whole(1...10_000_000)
        case "offline.positiveAmount": offline.positiveAmount = try amount()
        case "offline.negativeAmount": offline.negativeAmount = try amount()
        default:
            throw ProfileError(
                profile: name,
                message: "has no branch value \(key); the keys are \(Self.branchValueKeys.joined(separator: ", "))"
            )
        }
    }

    /// The current text of a branch value key, as `profile show` prints it.
    public func valueText(_ key: String) -> String {
        func amount(_ value: Int64?) -> String { value.map { DecimalText.format($0, scale: 2) } ?? "none" }
        switch key {
        case "singleInvoiceLimit": return amount(singleInvoiceLimit)
        case "offline.hours": return offline.hours.map(String.init) ?? "none"
        case "offline.count": return offline.count.map(String.init) ?? "none"
        case "offline.positiveAmount": return amount(offline.positiveAmount)
        case "offline.negativeAmount": return amount(offline.negativeAmount)
        default: return "?"
        }
    }

    /// The built-in default profile (``defaultName``).
    ///
    /// Every built-in profile is read by a test, so a file that does not read never ships.
    public static let standard: Profile = {
        do {
            return try builtIn(defaultName)
        } catch {
            preconditionFailure("the built-in profile \(defaultName) does not read: \(error)")
        }
    }()
}
