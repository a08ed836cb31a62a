import Foundation

/// The scanner behind ``AuditEntry/wirePrefix(of:)``: an entry's every stored part, written as
/// the wire writes it (members in byte order, no whitespace), read straight to the entry.
struct CanonicalAuditEntryReader: CanonicalScanning {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    /// The entry at the start of the bytes, and the JSON values it holds.
    ///
    /// ``index`` is then where it ends; `nil` for anything not in exactly that form, or not a
    /// valid entry.
    mutating func entry() -> (entry: AuditEntry, values: Int)? {
        guard take(#"{"actor":"#), let actor = string(),
            take(#","clock":"#), let clock = clock(),
            take(#","details":"#), let details = string(),
            take(#","event":"#), let eventName = string(), let event = AuditEvent(rawValue: eventName),
            take(#","hash":"#), let hash = string(), ChainPosition.isHash(hash),
            take(#","invoiceID":"#), let invoiceID = optionalID(),
            take(#","node":"#), let node = string(), NodeName.isValid(node),
            take(#","operationID":"#), let operationID = optionalID(),
            take(#","previousHash":"#), let previousHash = string(), ChainPosition.isHash(previousHash),
            take(#","sequence":"#), let sequence = sequence(),
            take(#","wallTime":"#), let wallText = string(), let wallTime = UTCTimestamp(parsing: wallText),
            take(UInt8(ascii: "}"))
        else { return nil }
        let entry = AuditEntry(
            sequence: sequence,
            wallTime: wallTime,
            node: node,
            actor: actor,
            event: event,
            invoiceID: invoiceID,
            operationID: operationID,
            clock: clock,
            detailsText: details,
            previousHash: previousHash,
            hash: hash
        )
        // The object, its 11 members' values, and the clock's counters.
        return (entry, 12 + clock.counters.count)
    }

    /// A canonical clock whose every counter names a node (none zero, which the clock would drop),
    /// with at most ``AuditEntry/wireMaximumMembers`` counters.
    mutating func clock() -> VectorClock? {
        guard let read = VectorClock.canonicalCounters(bytes, from: index),
            read.counters.count <= AuditEntry.wireMaximumMembers
        else { return nil }
        let clock = VectorClock(read.counters)
        guard clock.counters.count == read.counters.count else { return nil }
        index = read.end
        return clock
    }

    /// `null` (`.some(nil)`), or a UUID in quotes; `nil` for anything else.
    mutating func optionalID() -> UUID?? {
        if take("null") { return .some(nil) }
        guard let text = string(), let id = UUID(uuidText: text) else { return nil }
        return .some(id)
    }

    /// A positive integer written without sign, fraction, exponent or leading zero, within Int64.
    mutating func sequence() -> Int64? {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            index += 1
            guard index - start <= 19 else { return nil }
        }
        guard index > start, bytes[start] != UInt8(ascii: "0") else { return nil }
        var value: Int64 = 0
        for byte in bytes[start..<index] {
            let (times, over) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !over, !carried else { return nil }
            value = sum
        }
        return value
    }
}

extension AuditEntry {
    /// Members of one object in the wire form ``wirePrefix(of:)`` reads, at most: 11 in the entry,
    /// and a clock of up to this many counters.
    public static let wireMaximumMembers = 16
    /// Levels of nesting of that form: the entry and its clock.
    public static let wireDepth = 2

    /// The entry whose wire form (every stored part, members in byte order, no whitespace) begins
    /// `bytes`, with that form's length and the JSON values it holds (counted as
    /// ``JSONValue/parse(_:limits:)`` counts them); `nil` when the bytes do not begin so, or the
    /// entry is not one the centre takes.
    ///
    /// Every sync ships its new audit entries to the centre, three for each operation: reading
    /// each straight to its parts costs less than building a JSON tree of it and reading that.
    /// Whatever this reads, the tree of the same bytes reads as the same entry.
    public static func wirePrefix(
        of bytes: UnsafeBufferPointer<UInt8>
    ) -> (entry: AuditEntry, length: Int, values: Int)? {
        var reader = CanonicalAuditEntryReader(bytes: bytes)
        guard let read = reader.entry() else { return nil }
        return (read.entry, reader.index, read.values)
    }
}
