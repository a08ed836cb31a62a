import Crypto
import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@Suite struct InvoiceCanonicalTests {
    static let clock = ManualClock()

    /// The DESIGN example as the validator builds it.
    static func fixture() throws -> Invoice {
        let context = CaptureContext(id: SequentialIDSource.id(1), capturedAt: clock.now, branch: "bj-01")
        return try InvoiceValidator.validate(InvoiceFixtures.validInput(clock: clock), context: context).invoice
    }

    /// An invoice with every optional field set, and text that needs escaping.
    static func full() -> Invoice {
        let date = CalendarDate(daysSinceEpoch: 20_777)
        return Invoice(
            id: SequentialIDSource.id(7),
            kind: .red,
            originalNumber: "26110000000000000001",
            type: .other,
            code: "110026213011",
            number: "12345678",
            issueDate: date,
            seller: Party(name: InvoiceFixtures.sellerName, taxID: InvoiceFixtures.sellerTaxID),
            buyer: Party(name: "客户 \"引号\" \\ 😀", taxID: "11010519491231002X"),
            lines: [
                InvoiceLine(
                    description: "技术服务费",
                    quantity: "2.5",
                    unitPrice: "-208.3",
                    net: Money(minorUnits: -52_075),
                    taxRate: TaxRate(basisPoints: 600),
                    tax: Money(minorUnits: -3_125)
                ),
                InvoiceLine(
                    description: "零税率",
                    net: Money(minorUnits: 0),
                    taxRate: TaxRate(basisPoints: 0),
                    tax: Money(minorUnits: 0)
                ),
            ],
            net: Money(minorUnits: -52_075),
            tax: Money(minorUnits: -3_125),
            gross: Money(minorUnits: -55_200),
            taxRate: TaxRate(basisPoints: 600),
            checkCode: "12345678901234567890",
            note: "备注",
            operatorName: "王小明",
            capturedAt: clock.now,
            branch: "bj-01",
            void: VoidRecord(reason: "开错了", at: UTCTimestamp(millisecondsSinceEpoch: 1_795_162_600_000), by: "李四")
        )
    }

    func roundTripped(_ invoice: Invoice) throws -> Invoice {
        try Invoice(stored: JSONValue.parse(invoice.canonicalJSON.text))
    }

    @Test func theFixtureRoundTrips() throws {
        let invoice = try Self.fixture()
        #expect(try roundTripped(invoice) == invoice)
    }

    @Test func anInvoiceWithEveryFieldRoundTrips() throws {
        let invoice = Self.full()
        let back = try roundTripped(invoice)
        #expect(back == invoice)
        #expect(back.contentHash == invoice.contentHash)
    }

    @Test func theFixtureHasThisExactCanonicalForm() throws {
        let expected =
            #"{"branch":"bj-01","buyer":{"name":"北京客户有限公司","taxID":"91110000802100433B"},"#
            + #""capturedAt":"2026-11-20T08:15:30.125Z","currency":"CNY","gross":"552.00","#
            + #""id":"00000001-0000-4000-8000-000000000001","issueDate":"2026-11-20","kind":"normal","#
            + #""lines":[{"description":"技术服务费","net":"520.75","quantity":"1","tax":"31.25","#
            + #""taxRate":"0.06","unitPrice":"520.75"}],"net":"520.75","number":"26110000000000000001","#
            + #""seller":{"name":"北京示例科技有限公司","taxID":"91350100M000100Y43"},"tax":"31.25","#
            + #""taxRate":"0.06","type":"digitalOrdinary"}"#
        let invoice = try Self.fixture()
        #expect(invoice.canonicalJSON.text == expected)
        #expect(invoice.contentHash == Digest.sha256Hex(Array(expected.utf8)))
    }

    /// ``full()`` with a red reference that has every member, and a note with every escape the
    /// canonical form uses.
    static func fullRed() -> Invoice {
        var full = Self.full()
        full.note = "备注\n第二行\t\r\u{1}\u{1F}\"\\"
        full.red = RedReference(
            reason: "销货退回 \"整单\"",
            confirmation: "12345678901234567890",
            originalCode: "110026213011",
            originalIssueDate: CalendarDate(daysSinceEpoch: 20_700),
            originalNet: Money(minorUnits: 52_075),
            originalTax: Money(minorUnits: 3_125),
            originalGross: Money(minorUnits: 55_200)
        )
        return full
    }

    /// ``fullRed()`` with every optional member of the invoice removed in every combination, and
    /// every optional member of its red reference too (with the invoice's all present, then all
    /// absent): 1,280 invoices.
    static func variants() -> [Invoice] {
        let invoiceRemovals: [(inout Invoice) -> Void] = [
            { $0.code = nil }, { $0.originalNumber = nil }, { $0.checkCode = nil }, { $0.note = nil },
            { $0.operatorName = nil }, { $0.lines = [] }, { if !$0.lines.isEmpty { $0.lines[0].quantity = nil } },
            { if !$0.lines.isEmpty { $0.lines[0].unitPrice = nil } }, { $0.void = nil },
        ]
        let redRemovals: [(inout Invoice) -> Void] = [
            { $0.red?.confirmation = nil }, { $0.red?.originalCode = nil }, { $0.red?.originalIssueDate = nil },
            { $0.red?.originalGross = nil }, { $0.red?.originalNet = nil }, { $0.red?.originalTax = nil },
            { $0.red = nil },
        ]
        let allInvoice = (1 << invoiceRemovals.count) - 1
        let allRed = (1 << redRemovals.count) - 1
        let combinations =
            (0...allInvoice).flatMap { [($0, 0), ($0, allRed)] } + (0...allRed).flatMap { [(0, $0), (allInvoice, $0)] }
        return combinations.map { invoiceMask, redMask in
            var invoice = fullRed()
            for (bit, remove) in invoiceRemovals.enumerated() where invoiceMask & (1 << bit) != 0 { remove(&invoice) }
            for (bit, remove) in redRemovals.enumerated() where redMask & (1 << bit) != 0 { remove(&invoice) }
            return invoice
        }
    }

    /// The direct writer gives the bytes of the dictionary it replaces, whatever members are present.
    @Test func theDirectWriterGivesTheCanonicalBytesWhateverMembersArePresent() {
        let variants = Self.variants()
        let mismatches = variants.indices.filter { variants[$0].canonicalBytes != variants[$0].canonicalJSON.bytes }
        #expect(mismatches.count == 0, "first differing variant: \(mismatches.first ?? -1)")
        let full = Self.fullRed()
        #expect(full.canonicalText == full.canonicalJSON.text)
        #expect(full.canonicalText.contains(#""red":{"confirmation":"#))
    }

    @Test func absentOptionalFieldsAreLeftOut() throws {
        let text = try Self.fixture().canonicalJSON.text
        for key in ["code", "originalNumber", "checkCode", "note", "operator", "void"] {
            #expect(!text.contains("\"\(key)\""), "\(key)")
        }
        var headerOnly = try Self.fixture()
        headerOnly.lines = []
        #expect(!headerOnly.canonicalJSON.text.contains("\"lines\""))
        #expect(try roundTripped(headerOnly) == headerOnly)
    }

    struct Change: Sendable, CustomTestStringConvertible {
        var name: String
        var apply: @Sendable (inout Invoice) -> Void
        var testDescription: String { name }
    }

    static let changes: [Change] = [
        Change(name: "id") { $0.id = SequentialIDSource.id(8) },
        Change(name: "kind") { $0.kind = .normal },
        Change(name: "originalNumber") { $0.originalNumber = "26110000000000000002" },
        Change(name: "originalNumber removed") { $0.originalNumber = nil },
        Change(name: "type") { $0.type = .ordinary },
        Change(name: "code") { $0.code = "110026213012" },
        Change(name: "code removed") { $0.code = nil },
        Change(name: "number") { $0.number = "12345679" },
        Change(name: "issueDate") { $0.issueDate = $0.issueDate.adding(days: -1) },
        Change(name: "seller.name") { $0.seller.name += "分公司" },
        Change(name: "seller.taxID") { $0.seller.taxID = "91350100M000100Y44" },
        Change(name: "buyer.name") { $0.buyer.name = "北京客户有限公司" },
        Change(name: "buyer.taxID") { $0.buyer.taxID = InvoiceFixtures.buyerTaxID },
        Change(name: "lines removed") { $0.lines = [] },
        Change(name: "line order") { $0.lines.reverse() },
        Change(name: "line description") { $0.lines[0].description = "技术服务" },
        Change(name: "line quantity") { $0.lines[0].quantity = "2.50" },
        Change(name: "line quantity removed") { $0.lines[0].quantity = nil },
        Change(name: "line unitPrice") { $0.lines[0].unitPrice = nil },
        Change(name: "line net") { $0.lines[0].net.minorUnits -= 1 },
        Change(name: "line taxRate") { $0.lines[0].taxRate = TaxRate(basisPoints: 900) },
        Change(name: "line tax") { $0.lines[0].tax.minorUnits += 1 },
        Change(name: "net") { $0.net.minorUnits += 1 },
        Change(name: "tax") { $0.tax.minorUnits -= 1 },
        Change(name: "gross") { $0.gross.minorUnits += 100 },
        Change(name: "currency") { $0.gross.currency = "USD" },
        Change(name: "taxRate") { $0.taxRate = TaxRate(basisPoints: 1_300) },
        Change(name: "checkCode") { $0.checkCode = "12345678901234567891" },
        Change(name: "checkCode removed") { $0.checkCode = nil },
        Change(name: "note") { $0.note = "备注 " },
        Change(name: "note removed") { $0.note = nil },
        Change(name: "operator") { $0.operatorName = "王小红" },
        Change(name: "operator removed") { $0.operatorName = nil },
        Change(name: "capturedAt") {
            $0.capturedAt = UTCTimestamp(millisecondsSinceEpoch: $0.capturedAt.millisecondsSinceEpoch + 1)
        },
        Change(name: "branch") { $0.branch = "bj-02" },
        Change(name: "void reason") { $0.void?.reason = "开错" },
        Change(name: "void at") { $0.void?.at = UTCTimestamp(millisecondsSinceEpoch: 0) },
        Change(name: "void by") { $0.void?.by = "张三" },
        Change(name: "void removed") { $0.void = nil },
    ]

    @Test(arguments: changes)
    func contentHashChangesWhenAnyFieldChanges(change: Change) throws {
        let base = Self.full()
        var changed = base
        change.apply(&changed)
        #expect(changed != base)
        #expect(changed.contentHash != base.contentHash)
        #expect(changed.canonicalJSON != base.canonicalJSON)
    }

    @Test func everyChangeGivesItsOwnHash() {
        let hashes = Self.changes.map { change in
            var invoice = Self.full()
            change.apply(&invoice)
            return invoice.contentHash
        }
        #expect(Set(hashes + [Self.full().contentHash]).count == Self.changes.count + 1)
    }

    @Test func theContentHashIsTheSHA256OfTheCanonicalFormAndSurvivesARoundTrip() throws {
        let invoice = Self.full()
        let expected = SHA256.hash(data: invoice.canonicalJSON.bytes).map { String(format: "%02x", $0) }.joined()
        #expect(invoice.contentHash == expected)
        let reread = try Invoice(stored: try JSONValue.parse(invoice.canonicalJSON.text))
        #expect(reread.contentHash == invoice.contentHash)
    }

    @Test(arguments: [
        ("number", #"{"id":"00000001-0000-4000-8000-000000000001"}"#),
        ("document", "[]"),
        ("id", #"{"id":"not-a-uuid"}"#),
    ])
    func unreadableStoredFormsNameTheField(field: String, json: String) throws {
        let value = try JSONValue.parse(json)
        var stored = try JSONValue.parse(Self.fixture().canonicalJSON.text)
        if field == "number", case .object(let members) = stored {
            stored = .object(members.filter { $0.key != "number" })
        } else {
            stored = value
        }
        #expect(throws: Invoice.StoredFormError.self) { try Invoice(stored: stored) }
        do {
            _ = try Invoice(stored: stored)
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func aStoredFormWithABadDateOrAmountIsRefused() throws {
        let text = try Self.fixture().canonicalJSON.text
        let badDate = text.replacingOccurrences(of: #""issueDate":"2026-11-20""#, with: #""issueDate":"2026-02-30""#)
        let badAmount = text.replacingOccurrences(of: #""gross":"552.00""#, with: #""gross":"552.001""#)
        #expect(throws: Invoice.StoredFormError.self) { try Invoice(stored: JSONValue.parse(badDate)) }
        #expect(throws: Invoice.StoredFormError.self) { try Invoice(stored: JSONValue.parse(badAmount)) }
        #expect(badDate != text && badAmount != text)
    }
}
