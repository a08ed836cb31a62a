import Foundation

extension Invoice {
    /// Reads an invoice from the bytes ``canonicalBytes`` writes, straight to its fields.
    ///
    /// A sync reads every queued invoice back from its stored form; building a JSON tree and
    /// looking its members up cost more than the rest of reading the outbox. This reader takes
    /// only what ``canonicalBytes`` produces: no whitespace, strings with the writer's escapes
    /// only, the known members each at most once, and nothing after the document. Anything else
    /// gives `nil`, and the caller reads the text with ``init(stored:)``, which decides. Whenever
    /// this reader gives an invoice, it is the one ``init(stored:)`` gives (a test mutates stored
    /// forms at random to hold it to that).
    public init?(canonical text: String) {
        var text = text
        let read = text.withUTF8 { bytes -> Invoice? in
            var reader = CanonicalInvoiceReader(bytes: bytes)
            return reader.invoice()
        }
        guard let read else { return nil }
        self = read
    }
}

extension Invoice {
    /// Reads an invoice from its stored text: ``init(canonical:)`` when the text is in the form
    /// this version writes, else the general ``init(stored:)`` (older or hand-edited forms, and
    /// every error message).
    public init(storedText text: String) throws {
        if let invoice = Invoice(canonical: text) {
            self = invoice
        } else {
            self = try Invoice(stored: JSONValue.parse(text))
        }
    }
}
