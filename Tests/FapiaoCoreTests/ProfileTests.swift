import FapiaoCore
import Foundation
import Testing

/// Every rule of every built-in profile, as a table.
///
/// Each row holds the value the rules read and the source the profile names for it
/// (Schema/profiles/README.md). A value changed without its source, or a source dropped, fails here.
@Suite struct ProfileTests {
    static func profile(_ name: String) throws -> Profile { try Profile.builtIn(name) }

    @Test func everyBuiltInProfileReadsAndNamesASourceForEveryRule() throws {
        #expect(Profile.builtInNames == ["cn-digital", "cn-ukey", "pl-ksef"])
        #expect(Profile.standard.name == Profile.defaultName)
        let rules = [
            "taxID", "types", "rates", "tolerances", "singleInvoiceLimit", "offline", "warnings", "uploadDeadline",
            "filingDay", "void", "red", "numberKey",
        ]
        for name in Profile.builtInNames {
            let profile = try Self.profile(name)
            for rule in rules {
                #expect((profile.sources[rule] ?? "").count > 20, "\(name) \(rule) names no source")
            }
            for year in profile.calendar.years {
                #expect(profile.sources["holidays.\(year)"]?.isEmpty == false, "\(name) holidays \(year)")
            }
        }
    }

    /// (profile, rule, the value as the rules read it, a fragment of the source it must name).
    static let table: [(String, String, String, String)] = [
        ("cn-ukey", "singleInvoiceLimit", "10000000", "国税发〔2006〕156号"),
        ("cn-ukey", "offline.hours", "24", "2014年第73号"),
        ("cn-ukey", "offline.count", "none", "2014年第73号"),
        ("cn-ukey", "offline.positiveAmount", "100000000", "2014年第73号"),
        ("cn-ukey", "offline.negativeAmount", "100000000", "2014年第73号"),
        ("cn-ukey", "uploadDeadline", "filingDay", "2014年第73号"),
        ("cn-ukey", "filingDay", "15", "增值税法"),
        ("cn-ukey", "void.special", "issueMonth", "156号"),
        ("cn-ukey", "void.ordinary", "issueMonth", "156号"),
        ("cn-ukey", "void.other", "never", "156号"),
        ("cn-ukey", "numberKey", "sellerTaxID,code,number", "发票代码"),
        ("cn-ukey", "taxID", "cn-uscc", "GB 32100-2015"),
        ("cn-ukey", "types", "special,ordinary,other", "专用发票"),
        ("cn-ukey", "buyerTaxIDRequired", "special", "2017年第16号"),
        ("cn-ukey", "rates", "0,100,300,500,600,900,1300", "2019年第39号"),
        ("cn-ukey", "tolerances", "6,127", "开票软件"),
        ("cn-digital", "singleInvoiceLimit", "none", "发票总额度"),
        ("cn-digital", "offline.hours", "none", "电子发票服务平台"),
        ("cn-digital", "uploadDeadline", "filingDay", "backstop"),
        ("cn-digital", "void.digitalSpecial", "never", "red"),
        ("cn-digital", "void.digitalOrdinary", "never", "red"),
        ("cn-digital", "void.ordinary", "issueMonth", "第二十条"),
        ("cn-digital", "numberKey", "code,number", "unique nationwide"),
        ("cn-digital", "types", "digitalSpecial,digitalOrdinary,special,ordinary", "2024年第11号"),
        ("cn-digital", "redConfirmation", "20", "确认单"),
        ("pl-ksef", "singleInvoiceLimit", "none", "No limit"),
        ("pl-ksef", "offline.hours", "none", "offline24"),
        ("pl-ksef", "uploadDeadline", "issue+1", "art. 106nda"),
        ("pl-ksef", "filingDay", "25", "art. 99"),
        ("pl-ksef", "void.other", "never", "KSeF"),
        ("pl-ksef", "numberKey", "sellerTaxID,number", "art. 106e"),
        ("pl-ksef", "taxID", "pl-nip", "NIP"),
        ("pl-ksef", "rates", "0,500,800,2300", "art. 146ef"),
        ("pl-ksef", "redConfirmation", "none", "korygująca"),
    ]

    static func value(_ rule: String, of profile: Profile) -> (value: String, source: String?) {
        func amount(_ value: Int64?) -> String { value.map(String.init) ?? "none" }
        switch rule {
        case "singleInvoiceLimit": return (amount(profile.singleInvoiceLimit), profile.sources["singleInvoiceLimit"])
        case "offline.hours": return (profile.offline.hours.map(String.init) ?? "none", profile.sources["offline"])
        case "offline.count": return (profile.offline.count.map(String.init) ?? "none", profile.sources["offline"])
        case "offline.positiveAmount": return (amount(profile.offline.positiveAmount), profile.sources["offline"])
        case "offline.negativeAmount": return (amount(profile.offline.negativeAmount), profile.sources["offline"])
        case "uploadDeadline":
            let text =
                switch profile.uploadDeadline {
                case .filingDay: "filingDay"
                case .businessDaysAfterIssue(let days): "issue+\(days)"
                case .businessDaysAfterOutageEnd(let days): "outageEnd+\(days)"
                case .hoursAfterOutageEnd(let hours): "outageEnd+\(hours)h"
                }
            return (text, profile.sources["uploadDeadline"])
        case "filingDay": return (String(profile.filingDay.day), profile.sources["filingDay"])
        case "numberKey": return (profile.numberKeyFields.joined(separator: ","), profile.sources["numberKey"])
        case "taxID": return (profile.taxIDScheme.rawValue, profile.sources["taxID"])
        case "types": return (profile.allowedTypes.map(\.rawValue).joined(separator: ","), profile.sources["types"])
        case "buyerTaxIDRequired":
            return (
                profile.buyerTaxIDRequired.map(\.rawValue).sorted().joined(separator: ","), profile.sources["types"]
            )
        case "rates":
            return (
                profile.rateTable.rates.map(\.basisPoints).sorted().map(String.init).joined(separator: ","),
                profile.sources["rates"]
            )
        case "tolerances":
            return ("\(profile.lineTaxTolerance),\(profile.invoiceTaxTolerance)", profile.sources["tolerances"])
        case "redConfirmation":
            let digits = profile.red.confirmations.map { String($0.digits) }.sorted()
            return (
                digits.isEmpty ? "none" : Array(Set(digits)).sorted().joined(separator: ","), profile.sources["red"]
            )
        default:
            let type = InvoiceType(rawValue: String(rule.dropFirst("void.".count)))
            return (type.map { (profile.voidRules[$0] ?? .never).rawValue } ?? "?", profile.sources["void"])
        }
    }

    @Test(arguments: table)
    func aProfileRuleHasItsValueAndNamesItsSource(name: String, rule: String, expected: String, source: String) throws {
        let (value, ruleSource) = Self.value(rule, of: try Self.profile(name))
        #expect(value == expected, "\(name) \(rule)")
        #expect(ruleSource?.contains(source) == true, "\(name) \(rule): source does not name \(source)")
    }

    @Test func redReasonsAreTheFourOfTheChineseRulesWithIssuedInErrorFirst() throws {
        for name in ["cn-ukey", "cn-digital"] {
            #expect(try Self.profile(name).red.reasons == ["开票有误", "销货退回", "服务中止", "销售折让"], "\(name)")
        }
    }

    @Test func aBranchValueReplacesTheProfilesAndABadOneIsRefusedNamingTheKey() throws {
        let ukey = try Self.profile("cn-ukey")
        let own = try ukey.applying([
            "singleInvoiceLimit": "1000000.00", "offline.count": "200", "offline.hours": "none",
        ])
        #expect(own.singleInvoiceLimit == 100_000_000)
        #expect(own.offline.count == 200)
        #expect(own.offline.hours == nil)
        #expect(own.valueText("singleInvoiceLimit") == "1000000.00")
        for (key, value) in [
            ("offline.hours", "0"), ("offline.count", "many"), ("singleInvoiceLimit", "-5"), ("rates", "1"),
        ] {
            #expect(throws: ProfileError.self, "\(key)=\(value)") { try ukey.applying([key: value]) }
            do {
                _ = try ukey.applying([key: value])
            } catch {
                #expect(error.description.contains(key))
            }
        }
    }

    @Test(arguments: [
        (#"{"format": 2}"#, "format"),
        (#"{"format": 1, "name": "other"}"#, "name"),
        ("not json", "JSON"),
    ])
    func aMalformedProfileIsRefusedNamingTheMember(text: String, member: String) {
        do {
            _ = try Profile(json: text, expectedName: "cn-ukey")
            Issue.record("read")
        } catch {
            #expect(error.description.contains(member), "\(error)")
        }
    }

    @Test func aProfileWithoutASourceForARuleIsRefused() throws {
        let text = try #require(Self.builtInText("cn-ukey"))
        let stripped = text.replacingOccurrences(
            of: #""source": "GB 32100-2015"#,
            with: #""unsourced": "GB 32100-2015"#
        )
        #expect(stripped != text)
        do {
            _ = try Profile(json: stripped, expectedName: "cn-ukey")
            Issue.record("read")
        } catch {
            #expect(error.description.contains("taxID must name its source"))
        }
    }

    @Test(arguments: [
        ("13.5", 1_350 as Int64?), ("100", 10_000), ("0", 0),
        ("101", nil), ("-1", nil), ("1.234", nil), ("1e1", nil), ("", nil), ("13%", nil),
    ])
    func aRateIsReadAsAPercentageExactlyOrRefusedNamingRatesPercent(percent: String, basisPoints: Int64?) throws {
        let text = try #require(Self.builtInText("cn-ukey"))
        let edited = text.replacingOccurrences(of: #""percent": ["13", "9""#, with: #""percent": ["\#(percent)", "9""#)
        #expect(edited != text)
        switch Result(catching: { () throws(ProfileError) in try Profile(json: edited, expectedName: "cn-ukey") }) {
        case .success(let profile):
            let expected = try #require(basisPoints, "\(percent) was read")
            #expect(profile.rateTable.rates.contains(TaxRate(basisPoints: expected)))
        case .failure(let error):
            #expect(basisPoints == nil, "\(error)")
            #expect(error.description.contains("rates.percent"), "\(error)")
        }
    }

    static func builtInText(_ name: String) -> String? {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schema/profiles/\(name).json")
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
