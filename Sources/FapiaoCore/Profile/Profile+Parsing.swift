import Foundation

extension Profile {
    /// Reads a profile file (format 1, `Schema/profiles/README.md`).
    ///
    /// - Parameters:
    ///   - text: the file's JSON.
    ///   - expectedName: the name the file is known by, which its `name` member must match.
    /// - Throws: ``ProfileError`` naming the member and the rule it breaks.
    public init(json text: String, expectedName: String) throws(ProfileError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(text)
        } catch {
            throw ProfileError(profile: expectedName, message: "is not valid JSON: \(error)")
        }
        let root = try ProfileReader(profile: expectedName, path: "", document)
        guard try root.integer("format", in: 1...1) == 1 else { throw root.fail("format", "must be 1") }
        name = try root.string("name")
        guard name == expectedName else { throw root.fail("name", "must be \(expectedName), the file's name") }
        version = try root.string("version")
        title = try root.string("title")
        jurisdiction = try root.string("jurisdiction")
        currency = try root.string("currency")
        guard Money.isCurrencyCode(currency) else { throw root.fail("currency", "must be an ISO 4217 code") }
        let zoneName = try root.string("timeZone")
        guard let zone = TimeZone(identifier: zoneName) else { throw root.fail("timeZone", "must be an IANA zone") }
        timeZone = zone
        var sources: [String: String] = [:]

        let taxID = try root.object("taxID")
        guard let scheme = TaxIDScheme(rawValue: try taxID.string("scheme")) else {
            throw taxID.fail("scheme", "must be one of \(TaxIDScheme.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        taxIDScheme = scheme
        sources["taxID"] = try taxID.source()

        let types = try root.object("types")
        allowedTypes = try types.types("allowed")
        guard !allowedTypes.isEmpty else { throw types.fail("allowed", "must list at least one type") }
        buyerTaxIDRequired = Set(try types.types("buyerTaxIDRequired"))
        sources["types"] = try types.source()

        let rates = try root.object("rates")
        var rateSet: Set<TaxRate> = []
        for text in try rates.strings("percent") {
            // Read as a percentage straight to basis points: exact, and without Foundation's
            // Decimal, which cost every process that opens a journal ~900,000 instructions here.
            guard let rate = try? TaxRate(parsing: text + "%"), (0...10_000).contains(rate.basisPoints)
            else { throw rates.fail("percent", "must list rates in percent such as \"13\", not \(text)") }
            rateSet.insert(rate)
        }
        rateTable = RateTable(version: try rates.string("table"), rates: rateSet)
        sources["rates"] = try rates.source()

        let tolerances = try root.object("tolerances")
        guard let line = try tolerances.optionalAmount("line"), let invoice = try tolerances.optionalAmount("invoice")
        else { throw tolerances.fail("line", "and invoice must both be amounts") }
        lineTaxTolerance = line
        invoiceTaxTolerance = invoice
        sources["tolerances"] = try tolerances.source()

        let single = try root.object("singleInvoiceLimit")
        singleInvoiceLimit = try single.optionalAmount("net")
        sources["singleInvoiceLimit"] = try single.source()

        let offlineRule = try root.object("offline")
        offline = OfflineLimits(
            hours: try offlineRule.optionalInteger("hours", in: 1...8_784),
            count: try offlineRule.optionalInteger("count", in: 1...10_000_000),
            positiveAmount: try offlineRule.optionalAmount("positiveAmount"),
            negativeAmount: try offlineRule.optionalAmount("negativeAmount")
        )
        sources["offline"] = try offlineRule.source()

        let warningRule = try root.object("warnings")
        warnings = Warnings(
            limitPerMille: try Self.perMille(warningRule, "limitShare"),
            windowPerMille: try Self.perMille(warningRule, "windowShare"),
            deadlineHours: try warningRule.integer("deadlineHours", in: 0...720),
            unsyncedDay: try warningRule.integer("unsyncedDay", in: 1...28)
        )
        sources["warnings"] = try warningRule.source()

        let deadline = try root.object("uploadDeadline")
        let hours = try deadline.optionalInteger("hours", in: 1...8_784)
        let days = try deadline.optionalInteger("businessDays", in: 1...60)
        switch (try deadline.string("from"), hours, days) {
        case ("outageEnd", let hours?, nil): uploadDeadline = .hoursAfterOutageEnd(hours)
        case ("outageEnd", nil, let days?): uploadDeadline = .businessDaysAfterOutageEnd(days)
        case ("issue", nil, let days?): uploadDeadline = .businessDaysAfterIssue(days)
        case ("filingDay", nil, nil): uploadDeadline = .filingDay
        default:
            throw deadline.fail(
                "from",
                "must be outageEnd with hours or businessDays, issue with businessDays, or filingDay alone"
            )
        }
        sources["uploadDeadline"] = try deadline.source()

        let filing = try root.object("filingDay")
        var published: [String: CalendarDate] = [:]
        if let table = try filing.optionalObject("published") {
            for (month, value) in table.members {
                guard case .string(let text) = value, let date = CalendarDate(parsing: text), date.monthText > month,
                    month.count == 7
                else { throw table.fail(month, "must map a month YYYY-MM to a later date YYYY-MM-DD") }
                published[month] = date
            }
            sources["filingDay.published"] = try filing.string("publishedSource")
        }
        filingDay = FilingDay(day: try filing.integer("day", in: 1...28), published: published)
        sources["filingDay"] = try filing.source()

        let void = try root.object("void")
        let byType = try void.object("byType")
        var rules: [InvoiceType: VoidRule] = [:]
        for (key, value) in byType.members {
            guard let type = InvoiceType(rawValue: key), case .string(let text) = value,
                let rule = VoidRule(rawValue: text)
            else { throw byType.fail(key, "must map an invoice type to never or issueMonth") }
            rules[type] = rule
        }
        voidRules = rules
        sources["void"] = try void.source()

        let redRule = try root.object("red")
        var confirmations: [RedRules.Confirmation] = []
        guard case .array(let items)? = redRule.members["confirmation"] else {
            throw redRule.fail("confirmation", "must be an array (empty when none is required)")
        }
        for (index, item) in items.enumerated() {
            let entry = try ProfileReader(profile: expectedName, path: "red.confirmation[\(index)]", item)
            confirmations.append(
                RedRules.Confirmation(
                    name: try entry.string("name"),
                    digits: try entry.integer("digits", in: 8...40),
                    types: Set(try entry.types("types"))
                )
            )
        }
        red = RedRules(reasons: try redRule.strings("reasons"), confirmations: confirmations)
        sources["red"] = try redRule.source()

        let key = try root.object("numberKey")
        numberKeyFields = try key.strings("fields")
        guard numberKeyFields.contains("number"), Set(numberKeyFields).isSubset(of: ["sellerTaxID", "code", "number"])
        else { throw key.fail("fields", "must list number and any of sellerTaxID and code") }
        sources["numberKey"] = try key.source()

        let holidays = try root.object("holidays")
        var calendar = BusinessCalendar()
        for (year, _) in holidays.members {
            guard let yearValue = Int(year), (1970...9999).contains(yearValue) else {
                throw holidays.fail(year, "must be a year such as 2026")
            }
            let entry = try holidays.object(year)
            for text in try entry.strings("closed") { calendar.closed.insert(try entry.date(text, "closed")) }
            for text in try entry.strings("workdays") { calendar.workdays.insert(try entry.date(text, "workdays")) }
            calendar.years.insert(yearValue)
            sources["holidays.\(year)"] = try entry.source()
        }
        self.calendar = calendar
        self.sources = sources
    }

    private static func perMille(_ reader: ProfileReader, _ member: String) throws(ProfileError) -> Int {
        let text = try reader.string(member)
        guard let share = Decimal(string: text), share > 0, share <= 1 else {
            throw reader.fail(member, "must be a share from 0 to 1 written as a string, such as \"0.8\"")
        }
        return Int(truncating: (share * 1000) as NSDecimalNumber)
    }
}
