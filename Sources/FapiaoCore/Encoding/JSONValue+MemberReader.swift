extension JSONValue {
    /// Reads the members (or elements) an ``ElementMemberPath`` names straight from their bytes,
    /// in place of the parser building their trees (see ``parse(_:limits:membersAt:reading:)``).
    ///
    /// A push carries one invoice per operation in its canonical form, an audit shipment each
    /// entry in its wire form: reading each straight to its fields costs less than building a
    /// tree of it and reading that.
    public struct MemberReader {
        /// Levels of nesting below the member that any value `read` takes can have (the member
        /// itself is one).
        public var maximumDepth: Int
        /// Members of one object that any value `read` takes can have.
        public var maximumMembers: Int
        /// Reads a member's value whole, or gives `nil` to leave it to the parser.
        ///
        /// Given the bytes from the member's value on and the element's index, it gives the
        /// length of the value taken and how many JSON values it holds, counted as the parser
        /// counts them (objects, arrays, strings, numbers and literals; not member names). It
        /// must take only a value the parser reads, and only within the bytes it is given: they
        /// stop where a longer value could hold a string or an array past the parser's limits.
        public var read: (_ bytes: UnsafeBufferPointer<UInt8>, _ element: Int) -> (length: Int, values: Int)?

        public init(
            maximumDepth: Int,
            maximumMembers: Int,
            read: @escaping (_ bytes: UnsafeBufferPointer<UInt8>, _ element: Int) -> (length: Int, values: Int)?
        ) {
            self.maximumDepth = maximumDepth
            self.maximumMembers = maximumMembers
            self.read = read
        }
    }

    /// Parses a document as ``parse(_:limits:)`` does, giving `reader` the first go at the
    /// `path.member` of each element of the root's `path.array` (at each element itself when
    /// `path.member` is `nil`): a value it takes stands as `null` in the tree (the reader keeps
    /// what it read).
    ///
    /// The document is refused exactly when ``parse(_:limits:)`` refuses it: a member the
    /// reader takes is one the parser reads within the limits, and where the reader's value
    /// count would pass the limit, the parser reads the member and says where.
    public static func parse(
        _ bytes: [UInt8],
        limits: Limits = .standard,
        membersAt path: ElementMemberPath,
        reading reader: MemberReader
    ) throws(SyntaxError) -> JSONValue {
        if let offset = firstInvalidUTF8(in: bytes) {
            throw SyntaxError(offset: offset, expected: "UTF-8 text", notUTF8: true)
        }
        var parser = JSONParser(bytes: bytes, limits: limits, memberPath: path, memberReader: reader)
        return try parser.parseDocument()
    }
}

extension JSONParser {
    /// The length of the member (or element) at `index` when ``memberReader`` takes it whole, its
    /// values counted; `nil` when the parser is to read it.
    mutating func readWhole(element: Int) -> Int? {
        guard let reader = memberReader, index < bytes.count,
            reader.maximumDepth <= limits.maximumDepth - depth, reader.maximumMembers <= limits.maximumMembers
        else { return nil }
        // In this many bytes no string is longer than the limit, and no array has more elements
        // (each takes two bytes with its comma).
        let (twice, overflow) = limits.maximumElements.multipliedReportingOverflow(by: 2)
        let room = min(bytes.count - index, limits.maximumStringBytes, overflow ? Int.max : twice)
        let start = index
        let read = bytes.withUnsafeBufferPointer { buffer in
            reader.read(UnsafeBufferPointer(rebasing: buffer[start..<start + room]), element)
        }
        guard let read, read.length > 0, read.length <= room, read.values > 0 else { return nil }
        let (total, over) = valueCount.addingReportingOverflow(read.values)
        guard !over, total <= limits.maximumValues else { return nil }
        valueCount = total
        return read.length
    }
}
