import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// `Invoice(canonical:)` reads what the canonical writer wrote, and never reads anything the
/// general reader would read differently.
@Suite struct InvoiceCanonicalReaderTests {
    @Test func everyVariantReadsBackAsItself() throws {
        let invoices = InvoiceCanonicalTests.variants() + [try InvoiceCanonicalTests.fixture()]
        let unread = invoices.indices.filter { Invoice(canonical: invoices[$0].canonicalText) != invoices[$0] }
        #expect(unread.count == 0, "first: \(unread.first ?? -1)")
    }

    /// Random edits of stored forms: whatever the direct reader accepts, the general reader reads
    /// as the same invoice.
    @Test func whatTheDirectReaderAcceptsTheGeneralReaderReadsTheSame() {
        var random = SeededGenerator(seed: 3_200)
        let bases = InvoiceCanonicalTests.variants().map { Array($0.canonicalText) }
        let pool = Array(#""\\,:{}[]a0 .-é9Zntu"#) + ["\u{1}"]
        var accepted = 0
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            var characters = bases.randomElement(using: &random) ?? []
            for _ in 0..<Int.random(in: 1...3, using: &random) where !characters.isEmpty {
                let position = Int.random(in: 0..<characters.count, using: &random)
                let character = pool.randomElement(using: &random) ?? "a"
                switch Int.random(in: 0..<4, using: &random) {
                case 0: characters.remove(at: position)
                case 1: characters.insert(character, at: position)
                case 2: characters[position] = character
                default:
                    // Repeat a stretch: a member given twice, a line twice, a closing bracket twice.
                    let end = min(characters.count, position + Int.random(in: 1...40, using: &random))
                    characters.insert(contentsOf: characters[position..<end], at: end)
                }
            }
            let text = String(characters)
            guard let direct = Invoice(canonical: text) else { continue }
            accepted += 1
            let general = try? Invoice(stored: JSONValue.parse(text))
            if general != direct { disagreements.append(text) }
        }
        #expect(disagreements.count == 0, "first: \(disagreements.first ?? "none")")
        // Edits inside string values keep the form: the accepted side is exercised too.
        #expect(accepted > 1_000)
    }

    @Test(arguments: [
        ("an escape the writer does not use", #""note":"备注""#, #""note":"备\/注""#),
        ("a long escape for a short one", #""note":"备注""#, #""note":"备\u000a注""#),
        ("whitespace between members", #","currency":"#, #", "currency":"#),
        ("an unknown member", #""currency":"#, #""colour":"red","currency":"#),
        ("a member given twice", #""currency":"CNY""#, #""currency":"CNY","currency":"CNY""#),
    ])
    func otherFormsAreLeftToTheGeneralReader(name: String, original: String, replacement: String) throws {
        let invoice = InvoiceCanonicalTests.full()
        let text = invoice.canonicalText.replacingOccurrences(of: original, with: replacement)
        #expect(text != invoice.canonicalText)
        #expect(Invoice(canonical: text) == nil)
        let general = try? Invoice(stored: JSONValue.parse(text))
        #expect((try? Invoice(storedText: text)) == general)
    }
}

/// `Invoice.canonicalPrefix(of:)`: an invoice at the start of a push's bytes, taken only in
/// exactly its canonical form.
@Suite struct InvoiceCanonicalPrefixTests {
    func prefix(_ text: String) -> Invoice.CanonicalPrefix? {
        Array(text.utf8).withUnsafeBufferPointer { Invoice.canonicalPrefix(of: $0) }
    }

    @Test func everyVariantIsReadWithWhatFollowsLeftAlone() throws {
        let invoices = InvoiceCanonicalTests.variants() + [try InvoiceCanonicalTests.fixture()]
        for invoice in invoices {
            let read = prefix(invoice.canonicalText + #","invoiceID":"x"}]}"#)
            #expect(read?.invoice == invoice)
            #expect(read?.bytes == invoice.canonicalBytes)
            let values = try JSONValue.parse(invoice.canonicalText).valueCount
            #expect(read?.values == values)
        }
    }

    /// Bytes the reader reads to an invoice that does not encode to them are not taken: the
    /// parser and the value comparison judge them.
    @Test func bytesThatAreNotTheInvoicesOwnEncodingAreNotTaken() throws {
        let text = try InvoiceCanonicalTests.fixture().canonicalText
        let net = try #require(text.range(of: #""net":""#))
        var decimal = text
        // One more digit than the writer gives an amount.
        decimal.replaceSubrange(net, with: #""net":"0"#)
        var reordered = text
        reordered.replaceSubrange(net, with: #""net" :""#)
        for spoiled in [decimal, reordered, String(text.dropLast())] {
            #expect(prefix(spoiled) == nil, "\(spoiled)")
        }
    }
}

extension JSONValue {
    /// The values of the document, as the parser counts them against its limit.
    var valueCount: Int {
        switch self {
        case .array(let values): 1 + values.reduce(0) { $0 + $1.valueCount }
        case .object(let members): 1 + members.reduce(0) { $0 + $1.value.valueCount }
        default: 1
        }
    }
}

/// `InvoiceInput(invoice:)`, the starting point of an amend and of the centre's validation,
/// gives the fields the invoice's own JSON gives.
@Suite struct InvoiceInputFromInvoiceTests {
    /// The invoice's JSON in the form a clerk types: the red reference's members at the top,
    /// under their input names.
    func typedForm(_ invoice: Invoice) throws -> JSONValue {
        guard case .object(let members) = try JSONValue.parse(invoice.canonicalText) else { return .null }
        let names = ["confirmation": "redConfirmation", "reason": "redReason"]
        return .object(
            members.flatMap { member -> [(key: String, value: JSONValue)] in
                guard member.key == "red", case .object(let red) = member.value else { return [member] }
                return red.map { (key: names[$0.key] ?? $0.key, value: $0.value) }
            }
        )
    }

    @Test func everyVariantGivesTheFieldsOfItsJSON() throws {
        for invoice in InvoiceCanonicalTests.variants() + [try InvoiceCanonicalTests.fixture()] {
            let fromJSON = InvoiceInput.fromJSON(try typedForm(invoice))
            #expect(fromJSON.problems.isEmpty, "\(fromJSON.problems)")
            #expect(InvoiceInput(invoice: invoice) == fromJSON, "\(invoice.canonicalText)")
        }
    }
}
