import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation

extension FuzzTarget {
    /// The JSON reader: whatever it accepts has a canonical form that reads back to itself, and
    /// the direct canonical writer (``JSONValue/canonicalBytes``) gives the same bytes.
    static let json = FuzzTarget(
        name: "json",
        summary: "JSONValue.parse; canonical form reads back unchanged, written directly the same; invoice reader"
    ) { input in
        // The stored-invoice reader on the same text: what it accepts, the general reader reads the same.
        if let text = String(bytes: input, encoding: .utf8), let direct = Invoice(canonical: text) {
            let general = try? Invoice(stored: JSONValue.parse(input))
            precondition(general == direct, "json: the direct invoice reader differs from the general one")
        }
        guard let value = try? JSONValue.parse(input) else { return }
        let canonical = CanonicalJSON(json: value)
        precondition(value.canonicalBytes == canonical.bytes, "json: the direct canonical writer differs")
        guard let again = try? JSONValue.parse(canonical.bytes) else {
            preconditionFailure("json: the canonical form of an accepted document does not parse")
        }
        precondition(CanonicalJSON(json: again) == canonical, "json: the canonical form is not stable")
    }

    /// Push items in a form two readings of a body can be compared by.
    static func describe(_ items: [WireFormat.PushItem]) -> [String] {
        items.map { item in
            switch item {
            case .operation(let operation): "operation \(operation.id.uuidText) \(operation.hash)"
            case .malformed(let id, let reason): "malformed \(id?.uuidText ?? "-") \(reason)"
            }
        }
    }

    /// Limits a push is read within, chosen by the input's length: none, and limits a fuzzed
    /// push reaches inside an invoice (values; strings and arrays, which leave the invoice to the
    /// parser; members and nesting, which keep the direct reader out).
    static func pushLimits(forLength length: Int) -> JSONValue.Limits {
        switch length % 4 {
        case 0: JSONValue.Limits()
        case 1: JSONValue.Limits(maximumValues: 40)
        case 2: JSONValue.Limits(maximumElements: 200, maximumStringBytes: 300)
        default: JSONValue.Limits(maximumDepth: 6, maximumMembers: 20)
        }
    }

    /// `input` read by the plain parser and by one of the centre's body readers (`direct`).
    ///
    /// Both read under the same limits, chosen by the input's length: the tree and the body when
    /// both read it; `nil` when both refuse it, at the same place for the same reason. Anything
    /// else is a finding.
    static func readBoth<Body>(
        _ target: String,
        _ input: [UInt8],
        direct: ([UInt8], JSONValue.Limits) throws(JSONValue.SyntaxError) -> Body
    ) -> (value: JSONValue, body: Body)? {
        let limits = pushLimits(forLength: input.count)
        let plain = Result { () throws(JSONValue.SyntaxError) in try JSONValue.parse(input, limits: limits) }
        let read = Result { () throws(JSONValue.SyntaxError) in try direct(input, limits) }
        switch (plain, read) {
        case (.failure(let plainError), .failure(let directError)):
            precondition(plainError == directError, "\(target): refused otherwise: \(directError) vs \(plainError)")
            return nil
        case (.success(let value), .success(let body)):
            return (value, body)
        default:
            preconditionFailure("\(target): the reader and the parser disagree on whether the body is JSON")
        }
    }

    /// The centre's push decoder: it reads what the plain parser reads, refuses what it refuses,
    /// and every operation it reads encodes and reads back the same.
    static let push = FuzzTarget(
        name: "push",
        summary: "WireFormat.readPush against JSONValue.parse; each decoded operation round-trips"
    ) { input in
        guard let (value, body) = readBoth("push", Array(input), direct: WireFormat.readPush) else { return }
        let plainItems = try? WireFormat.pushItems(from: value)
        let directItems = try? WireFormat.pushItems(from: body)
        precondition(
            plainItems.map { FuzzTarget.describe($0.items) } == directItems.map { FuzzTarget.describe($0.items) },
            "push: readPush's items differ from the parser's"
        )
        guard let request = try? WireFormat.pushItems(from: JSONValue.parse(input)) else { return }
        for item in request.items {
            guard case .operation(let operation) = item else { continue }
            let encoded = WireFormat.encode(operation)
            guard let reread = try? JSONValue.parse(encoded.bytes),
                let again = try? WireFormat.operation(from: reread, context: "operation")
            else { preconditionFailure("push: a decoded operation's wire form does not decode") }
            precondition(WireFormat.encode(again) == encoded, "push: an operation's wire form is not stable")
            precondition(again.clock == operation.clock, "push: the clock changed in a round trip")
        }
    }

    /// The centre's audit shipment decoder: it reads what the plain parser reads, refuses what it
    /// refuses, and gives the same shipment or the same error.
    static let anchor = FuzzTarget(
        name: "anchor",
        summary: "AuditShipment.readBody against JSONValue.parse; the same shipment or the same error"
    ) { input in
        guard let (value, body) = readBoth("anchor", Array(input), direct: AuditShipment.readBody) else { return }
        let fromTree = Result { () throws(WireError) in try AuditShipment(wire: value) }
        let fromBody = Result { () throws(WireError) in try AuditShipment(wire: body) }
        switch (fromTree, fromBody) {
        case (.success(let tree), .success(let read)):
            precondition(tree.entries == read.entries, "anchor: readBody's entries differ from the parser's")
        case (.failure(let treeError), .failure(let readError)):
            precondition(treeError == readError, "anchor: readBody's shipment fails otherwise")
        default:
            preconditionFailure("anchor: readBody and the parser disagree on whether the shipment is readable")
        }
    }

    /// What the branch reads from a remote: push outcomes, change pages, lookups, health.
    static let answers = FuzzTarget(
        name: "answers",
        summary: "the branch's readers of a remote's answers (outcomes, changes, lookup, health)"
    ) { input in
        guard let value = try? JSONValue.parse(input) else { return }
        if let outcomes = try? WireFormat.outcomes(from: value) {
            for outcome in outcomes {
                let encoded = WireFormat.encode(outcome)
                guard let reread = try? JSONValue.parse(encoded.bytes),
                    (try? WireFormat.outcome(from: reread, context: "outcome")) != nil
                else { preconditionFailure("answers: an accepted outcome's wire form does not decode") }
            }
        }
        _ = try? ChangePage(json: value)
        _ = try? InvoiceLookup(json: value)
        _ = try? HealthReport(json: value)
    }

    /// `fapiao enqueue --json`: parse, read the fields, validate; a valid invoice's stored form
    /// reads back to the same invoice.
    static let invoice = FuzzTarget(
        name: "invoice",
        summary: "InvoiceInput.fromJSON + InvoiceValidator; a valid invoice's stored form reads back equal"
    ) { input in
        guard let value = try? JSONValue.parse(input) else { return }
        validate(InvoiceInput.fromJSON(value))
    }

    /// `fapiao import FILE.jsonl`.
    static let jsonl = FuzzTarget(
        name: "jsonl",
        summary: "InvoiceFileReader JSONL + InvoiceValidator on every record"
    ) { input in
        readFile(input, format: .jsonl)
    }

    /// `fapiao import FILE.csv`.
    static let csv = FuzzTarget(
        name: "csv",
        summary: "InvoiceFileReader CSV + InvoiceValidator on every record"
    ) { input in
        readFile(input, format: .csv)
    }

    /// Amounts and quantities: what parses formats back to text that parses to the same value.
    static let decimal = FuzzTarget(
        name: "decimal",
        summary: "DecimalText.parse at scales 0, 2 and 6; format reads back equal"
    ) { input in
        let text = String(decoding: input, as: UTF8.self)
        for scale in [0, 2, 6] {
            guard let value = try? DecimalText.parse(text, scale: scale, allowNegative: true) else { continue }
            let formatted = DecimalText.format(value, scale: scale)
            precondition(
                (try? DecimalText.parse(formatted, scale: scale, allowNegative: true)) == value,
                "decimal: \(formatted) does not read back as \(value)"
            )
        }
    }

    /// Taxpayer identification numbers (credit codes, legacy IDs, resident IDs).
    static let taxID = FuzzTarget(
        name: "taxid",
        summary: "TaxpayerID.check with and without resident IDs"
    ) { input in
        let text = String(decoding: input, as: UTF8.self)
        _ = TaxpayerID.check(text, allowResidentID: true)
        _ = TaxpayerID.check(text, allowResidentID: false)
    }

    /// Issue dates and timestamps: what parses prints back to text that parses to the same.
    static let date = FuzzTarget(
        name: "date",
        summary: "CalendarDate and UTCTimestamp parsing; description reads back equal"
    ) { input in
        let text = String(decoding: input, as: UTF8.self)
        if let day = CalendarDate(parsing: text) {
            precondition(CalendarDate(parsing: day.description) == day, "date: \(day) does not read back")
        }
        if let instant = UTCTimestamp(parsing: text) {
            precondition(
                UTCTimestamp(parsing: instant.description) == instant,
                "date: \(instant) does not read back"
            )
        }
    }

    /// Vector clocks as text and as JSON; counters stay within the bound.
    static let clock = FuzzTarget(
        name: "clock",
        summary: "VectorClock parsing; bounded counters, description reads back equal, the canonical fast path "
            + "agrees with the JSON parser"
    ) { input in
        let text = String(decoding: input, as: UTF8.self)
        let clock = VectorClock(parsing: text)
        precondition(
            clock == VectorClock.parsingJSON(text),
            "clock: the canonical reader and the JSON parser disagree on \(text.debugDescription)"
        )
        guard let clock else { return }
        precondition(
            clock.counters.values.allSatisfy { $0 <= VectorClock.maximumCounter },
            "clock: a counter above the bound was accepted"
        )
        precondition(VectorClock(parsing: clock.description) == clock, "clock: \(clock) does not read back")
    }

    /// Remote and store locations, as an argument and as a secret file's contents.
    static let location = FuzzTarget(
        name: "location",
        summary: "RemoteLocation from an argument and from a secret file"
    ) { input in
        let text = String(decoding: input, as: UTF8.self)
        _ = try? RemoteLocation(text, source: .argument)
        _ = try? RemoteLocation(text, source: .secretFile)
    }
}

extension FuzzTarget {
    /// A fixed capture context, so that a run is a function of its input alone.
    private static let context = CaptureContext(
        id: UUID(
            uuid: (0x0B, 0x7C, 0x3A, 0x4E, 0x2F, 0x1D, 0x4C, 0x55, 0x9E, 0x8A, 0x1D, 0x2C, 0x3B, 0x4A, 0x5F, 0x60)
        ),
        capturedAt: UTCTimestamp(millisecondsSinceEpoch: 1_795_000_000_000),
        branch: "fuzz-01"
    )

    private static func validate(_ input: InvoiceInput) {
        guard let valid = try? InvoiceValidator.validate(input, context: context) else { return }
        let stored = valid.invoice.canonicalJSON
        precondition(
            valid.invoice.canonicalBytes == stored.bytes,
            "invoice: the direct writer differs from the reference"
        )
        guard let value = try? JSONValue.parse(stored.bytes), let again = try? Invoice(stored: value) else {
            preconditionFailure("invoice: a valid invoice's stored form does not read back")
        }
        precondition(again.canonicalJSON == stored, "invoice: the stored form is not stable")
        precondition(Invoice(canonical: stored.text) == again, "invoice: the direct reader differs")
    }

    private static func readFile(_ input: [UInt8], format: InvoiceFileFormat) {
        guard let rows = try? InvoiceFileReader.parse(input, format: format, name: "fuzz") else { return }
        for row in rows {
            if case .success(let fields) = row.input { validate(fields) }
        }
    }
}
