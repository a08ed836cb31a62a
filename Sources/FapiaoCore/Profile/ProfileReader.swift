import Foundation

/// Reads the members of one profile object, naming the member path in every error.
struct ProfileReader {
    let profile: String
    let path: String
    let members: [String: JSONValue]

    init(profile: String, path: String, _ value: JSONValue?) throws(ProfileError) {
        self.profile = profile
        self.path = path
        guard case .object(let pairs)? = value else {
            throw ProfileError(profile: profile, message: "\(path.isEmpty ? "the file" : path) must be a JSON object")
        }
        members = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    func fail(_ member: String, _ rule: String) -> ProfileError {
        ProfileError(profile: profile, message: "\(name(member)) \(rule)")
    }

    func name(_ member: String) -> String { path.isEmpty ? member : "\(path).\(member)" }

    func object(_ member: String) throws(ProfileError) -> ProfileReader {
        try ProfileReader(profile: profile, path: name(member), members[member])
    }

    func optionalObject(_ member: String) throws(ProfileError) -> ProfileReader? {
        guard let value = members[member], value != .null else { return nil }
        return try ProfileReader(profile: profile, path: name(member), value)
    }

    func string(_ member: String) throws(ProfileError) -> String {
        guard case .string(let text)? = members[member], !text.isEmpty else {
            throw fail(member, "must be a non-empty string")
        }
        return text
    }

    func strings(_ member: String) throws(ProfileError) -> [String] {
        guard case .array(let values)? = members[member] else { throw fail(member, "must be an array of strings") }
        var texts: [String] = []
        for value in values {
            guard case .string(let text) = value else { throw fail(member, "must be an array of strings") }
            texts.append(text)
        }
        return texts
    }

    func integer(_ member: String, in range: ClosedRange<Int>) throws(ProfileError) -> Int {
        guard let value = try optionalInteger(member, in: range) else { throw fail(member, "must be a number") }
        return value
    }

    func optionalInteger(_ member: String, in range: ClosedRange<Int>) throws(ProfileError) -> Int? {
        switch members[member] {
        case nil, .null?:
            return nil
        case .number(let text)?:
            guard let value = Int(text), range.contains(value) else {
                throw fail(
                    member,
                    "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)"
                )
            }
            return value
        default:
            throw fail(member, "must be a whole number or null")
        }
    }

    /// A decimal amount string (`"100000.00"`) in minor units, or `nil` for null.
    func optionalAmount(_ member: String) throws(ProfileError) -> Int64? {
        switch members[member] {
        case nil, .null?:
            return nil
        case .string(let text)?:
            do {
                let money = try Money(parsing: text)
                guard money.minorUnits > 0 else { throw fail(member, "must be more than 0") }
                return money.minorUnits
            } catch let error as ProfileError {
                throw error
            } catch {
                throw fail(member, "must be an amount written as a string such as \"100000.00\", not \(text)")
            }
        default:
            throw fail(member, "must be an amount string or null")
        }
    }

    func date(_ text: String, _ member: String) throws(ProfileError) -> CalendarDate {
        guard let date = CalendarDate(parsing: text) else {
            throw fail(member, "must list dates as YYYY-MM-DD, not \(text)")
        }
        return date
    }

    func types(_ member: String) throws(ProfileError) -> [InvoiceType] {
        var types: [InvoiceType] = []
        for text in try strings(member) {
            guard let type = InvoiceType(rawValue: text) else {
                throw fail(member, "must list invoice types (\(InvoiceType.listText)), not \(text)")
            }
            types.append(type)
        }
        return types
    }

    /// The rule's `source` member, which every rule must carry.
    func source() throws(ProfileError) -> String {
        guard case .string(let text)? = members["source"], !text.isEmpty else {
            throw ProfileError(profile: profile, message: "\(path) must name its source in a \"source\" member")
        }
        return text
    }
}
