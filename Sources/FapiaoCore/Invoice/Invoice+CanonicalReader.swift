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

extension Invoice {
    /// What ``canonicalPrefix(of:)`` read.
    public struct CanonicalPrefix: Sendable {
        public var invoice: Invoice
        /// The invoice's ``Invoice/canonicalBytes``: the bytes it was read from.
        public var bytes: [UInt8]
        /// The JSON values those bytes hold, counted as ``JSONValue/parse(_:limits:)`` counts them.
        public var values: Int
    }

    /// Members of one object in the form ``canonicalBytes`` writes, at most: the reader knows 22
    /// names at the top, 7 in `red`, and takes each once.
    public static let canonicalMaximumMembers = 32
    /// Levels of nesting of that form: the invoice, its `lines`, a line.
    public static let canonicalDepth = 3

    /// The invoice whose ``canonicalBytes`` begin `bytes`, or `nil` when `bytes` do not begin with
    /// an invoice in exactly that form.
    ///
    /// A push carries each invoice as its canonical bytes; reading them straight to the fields,
    /// and checking they are the ones the invoice encodes to, costs less than building a JSON
    /// tree of them. Whatever this reads, ``init(stored:)`` reads the same invoice from the
    /// parsed bytes (the reader's promise, see ``init(canonical:)``).
    public static func canonicalPrefix(of bytes: UnsafeBufferPointer<UInt8>) -> CanonicalPrefix? {
        var reader = CanonicalInvoiceReader(bytes: bytes)
        guard let invoice = reader.invoiceObject() else { return nil }
        let length = reader.index
        let canonical = invoice.canonicalBytes
        let same = canonical.withUnsafeBufferPointer { own in
            guard own.count == length, let mine = own.baseAddress, let sent = bytes.baseAddress else { return false }
            return memcmp(mine, sent, length) == 0
        }
        guard same else { return nil }
        return CanonicalPrefix(invoice: invoice, bytes: canonical, values: reader.values)
    }
}
