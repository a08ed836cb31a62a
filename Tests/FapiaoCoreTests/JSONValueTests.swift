import Testing

@testable import FapiaoCore

@Suite struct JSONValueTests {
    func syntaxError(_ text: String) -> JSONValue.SyntaxError? {
        do {
            _ = try JSONValue.parse(text)
            return nil
        } catch {
            return error
        }
    }

    /// A reader that takes a member written `"take"` whole, noting what it was given.
    final class TakingReader {
        var given: [(element: Int, bytes: Int)] = []
        /// The text each member it was asked about starts with, up to its first 24 bytes.
        var starts: [String] = []

        func reader(maximumDepth: Int = 1, maximumMembers: Int = 0) -> JSONValue.MemberReader {
            JSONValue.MemberReader(maximumDepth: maximumDepth, maximumMembers: maximumMembers) { bytes, element in
                self.given.append((element, bytes.count))
                self.starts.append(String(decoding: bytes.prefix(24), as: UTF8.self))
                return Array(bytes.prefix(6)) == Array(#""take""#.utf8) ? (6, 1) : nil
            }
        }
    }

    @Test func aMemberReaderIsAskedAboutEachElementsMemberAndNothingElse() throws {
        let text = #"""
            {"x": [{"m": 0}], "ops": [ {"m": {"a": [1, {"m": 2}]}, "k": 1}, 7, {"k": {"m": 3}}, [{"m": 4}],
            {"k": "m", "m" : [ "v" ] } ], "m": 5}
            """#
        let taking = TakingReader()
        let value = try JSONValue.parse(
            Array(text.utf8),
            membersAt: .init(array: "ops", member: "m"),
            reading: taking.reader()
        )
        #expect(value == (try JSONValue.parse(text)))
        // Element 0's member and element 4's; not the nested "m"s, not another array's.
        #expect(taking.given.map(\.element) == [0, 4])
        #expect(taking.starts.map { String($0.prefix(8)) } == [#"{"a": [1"#, #"[ "v" ] "#])
    }

    /// Given the elements themselves (`elementsOf:`), the reader is asked about each element of
    /// the root's array, never about what is inside one; what it takes stands as null.
    @Test func anElementReaderIsAskedAboutEachElementAndTakesWhatItCan() throws {
        let text = #"{"x": ["take"], "ops": [ "take", {"m": "take"}, ["take"], "leave" ,"take"], "m": "take"}"#
        let taking = TakingReader()
        let value = try JSONValue.parse(
            Array(text.utf8),
            membersAt: .init(elementsOf: "ops"),
            reading: taking.reader()
        )
        #expect(taking.given.map(\.element) == [0, 1, 2, 3, 4])
        #expect(
            taking.starts.map { String($0.prefix(6)) } == [#""take""#, #"{"m": "#, #"["take"#, #""leave"#, #""take""#]
        )
        let expected = #"{"x": ["take"], "ops": [null, {"m": "take"}, ["take"], "leave", null], "m": "take"}"#
        #expect(value == (try JSONValue.parse(expected)))
    }

    @Test func aMemberReaderIsNotAskedWhereTheArrayIsNotOneOrNotAtTheRoot() throws {
        let path = JSONValue.ElementMemberPath(array: "ops", member: "m")
        for text in [#"{"ops": {"0": {"m": 1}}}"#, #"{"a": {"ops": [{"m": 1}]}}"#, #"[{"ops": [{"m": 1}]}]"#, "[]"] {
            let taking = TakingReader()
            _ = try JSONValue.parse(Array(text.utf8), membersAt: path, reading: taking.reader())
            #expect(taking.given.isEmpty, "\(text)")
        }
        #expect(throws: JSONValue.SyntaxError.self) {
            try JSONValue.parse(Array(#"{"ops": [{"m": 1}"#.utf8), membersAt: path, reading: TakingReader().reader())
        }
    }

    @Test func aMemberReaderTakesTheMembersItCanAndTheParserReadsTheRest() throws {
        let text = #"{"ops": [{"m": "take", "k": 1}, {"m": "leave"}, {"k": {"m": "take"}}], "m": "take"}"#
        let bytes = Array(text.utf8)
        let taking = TakingReader()
        let path = JSONValue.ElementMemberPath(array: "ops", member: "m")
        let value = try JSONValue.parse(bytes, membersAt: path, reading: taking.reader())
        // Asked about each element's member only; what it took stands as null.
        #expect(taking.given.map(\.element) == [0, 1])
        let expected = #"{"ops": [{"m": null, "k": 1}, {"m": "leave"}, {"k": {"m": "take"}}], "m": "take"}"#
        #expect(value == (try JSONValue.parse(expected)))
    }

    @Test func aMemberReaderIsGivenNoMoreBytesThanAStringOrAnArrayMayTake() throws {
        let bytes = Array(#"{"ops": [{"m": "take"}]}"#.utf8)
        let path = JSONValue.ElementMemberPath(array: "ops", member: "m")
        for (limits, given) in [
            (JSONValue.Limits(maximumStringBytes: 7), 7),
            (JSONValue.Limits(maximumElements: 3), 6),
            (JSONValue.Limits(), 9),  // the rest of the document
        ] {
            let taking = TakingReader()
            _ = try JSONValue.parse(bytes, limits: limits, membersAt: path, reading: taking.reader())
            #expect(taking.given.map(\.bytes) == [given], "\(limits)")
        }
    }

    /// Where the reader's values would pass a limit, or its values could nest or widen past one,
    /// the parser reads the member and refuses the document as it always does.
    @Test func aDocumentPastALimitIsRefusedAsWithoutAMemberReader() throws {
        let bytes = Array(#"{"ops": [{"m": "take", "n": 1}]}"#.utf8)
        let path = JSONValue.ElementMemberPath(array: "ops", member: "m")
        let cases: [(JSONValue.Limits, maximumDepth: Int, maximumMembers: Int, asked: Bool)] = [
            (JSONValue.Limits(maximumValues: 3), 1, 0, true),
            (JSONValue.Limits(maximumDepth: 4), 2, 0, false),
            (JSONValue.Limits(maximumMembers: 2), 1, 3, false),
        ]
        for (limits, depth, members, asked) in cases {
            let taking = TakingReader()
            let plain = Result { () throws(JSONValue.SyntaxError) in try JSONValue.parse(bytes, limits: limits) }
            let read = Result { () throws(JSONValue.SyntaxError) in
                try JSONValue.parse(
                    bytes,
                    limits: limits,
                    membersAt: path,
                    reading: taking.reader(maximumDepth: depth, maximumMembers: members)
                )
            }
            #expect(taking.given.isEmpty == !asked, "\(limits)")
            switch (plain, read) {
            case (.failure(let expected), .failure(let error)): #expect(error == expected, "\(limits)")
            case (.success(let expected), .success(let value)):
                #expect(value == expected, "\(limits)")
                #expect(limits.maximumValues == .max, "\(limits) was not refused")
            default: Issue.record("\(limits): \(plain) without the reader, \(read) with it")
            }
        }
    }

    @Test func parsesADocumentKeepingMemberOrder() throws {
        let value = try JSONValue.parse(#" { "b" : [true, false, null], "a": {"x": "y"}, "n": -12.5e3 } "#)
        #expect(
            value
                == .object([
                    (key: "b", value: .array([.bool(true), .bool(false), .null])),
                    (key: "a", value: .object([(key: "x", value: .string("y"))])),
                    (key: "n", value: .number("-12.5e3")),
                ])
        )
        // Member order is part of the value.
        #expect(try JSONValue.parse(#"{"a":1,"b":2}"#) != JSONValue.parse(#"{"b":2,"a":1}"#))
        #expect(try JSONValue.parse("[]") == .array([]))
        #expect(try JSONValue.parse("{}") == .object([]))
        #expect(try JSONValue.parse(#""""#) == .string(""))
    }

    @Test(arguments: [
        (#""\u00e9""#, "é"),
        (#""\u5317\u4EAC""#, "北京"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD83D\uDE00 ok""#, "😀 ok"),
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""\u0000""#, "\u{00}"),
        (#""直接写的中文""#, "直接写的中文"),
        (#""mixed 北\u4eac ""#, "mixed 北京 "),
    ])
    func decodesEscapes(json: String, text: String) throws {
        #expect(try JSONValue.parse(json) == .string(text))
    }

    @Test(arguments: [
        #""\ud83d""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""\ude00""#, #""\u12g4""#, #""\u12""#, #""\x41""#,
        #""\'""#, #""abc"#, #""\"#,
    ])
    func refusesBadEscapes(json: String) {
        #expect(syntaxError(json) != nil)
    }

    @Test(arguments: [#"{"a":1} x"#, "1 2", "{}{}", "[1,]", #"{"a":1,}"#, "[1] ]", "nul", "truex", "[1 2]", "{a:1}"])
    func refusesTrailingGarbageAndMalformedStructure(json: String) {
        #expect(syntaxError(json) != nil)
    }

    @Test func refusesEmptyInput() {
        #expect(syntaxError("")?.expected == "a value")
        #expect(syntaxError("   \n")?.expected == "a value")
    }

    @Test func reportsWhereParsingStopped() throws {
        let error = try #require(syntaxError(#"{"a":1} x"#))
        #expect(error.offset == 8)
        #expect(error.expected == "end of input")
        #expect(error.description == "malformed JSON at byte 9: expected end of input")
    }

    @Test func refusesDuplicateKeys() throws {
        let error = try #require(syntaxError(#"{"a":1,"a":2}"#))
        #expect(error.offset == 7)
        #expect(error.expected.contains("\"a\""))
        // Nested objects have their own key sets.
        #expect(syntaxError(#"{"a":{"a":1},"b":{"a":2}}"#) == nil)
        #expect(syntaxError(#"{"seller":{"name":"x","name":"y"}}"#) != nil)
    }

    @Test(arguments: ["\"a\nb\"", "\"tab\there\"", "\"\u{01}\"", "\"esc \\n then raw \u{1F}\"", "\"\r\""])
    func refusesRawControlCharactersInStrings(json: String) throws {
        let error = try #require(syntaxError(json))
        #expect(error.expected.contains("control character"))
    }

    @Test func limitsNesting() {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(syntaxError(deepest) == nil)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(syntaxError(tooDeep)?.expected.contains("nesting") == true)
        let objects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(syntaxError(objects)?.expected.contains("nesting") == true)
        let hostile = String(repeating: "[", count: 100_000)
        #expect(syntaxError(hostile) != nil)
    }

    @Test func limitsTheValuesOfTheWholeDocument() throws {
        let limits = JSONValue.Limits(maximumValues: 5)
        // An array and four numbers: five values; one more is past the limit, wherever it is.
        let four = try JSONValue.parse(Array("[0,1,2,3]".utf8), limits: limits)
        #expect(four == .array((0...3).map { .number("\($0)") }))
        for text in ["[0,1,2,3,4]", #"{"a":[0,1],"b":{"c":null}}"#, "[[[[[[]]]]]]"] {
            do {
                _ = try JSONValue.parse(Array(text.utf8), limits: limits)
                Issue.record("\(text) parsed past a limit of 5 values")
            } catch {
                #expect(error.exceedsLimit)
                #expect(error.description.contains("at most 5 values in the document"))
            }
        }
    }

    @Test func escapedStringsReadBackWhateverTheirRuns() throws {
        // Runs of plain bytes between escapes, of every length around the parser's chunks.
        var generator = SystemRandomNumberGenerator()
        let pieces = ["\"", "\\", "\n", "\u{01}", "/", "北京", "😀", "a", "plain text run", "{\"kind\":\"create\"}"]
        for _ in 0..<400 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            #expect(try JSONValue.parse(CanonicalJSON.string(text).bytes) == .string(text))
        }
    }

    @Test func theStringLimitCountsBytesAfterEscapesWhereverTheRunsEnd() {
        let limits = JSONValue.Limits(maximumStringBytes: 10)
        func outcome(_ text: String) -> String {
            do {
                _ = try JSONValue.parse(Array(text.utf8), limits: limits)
                return "read"
            } catch {
                return error.exceedsLimit ? "limit" : "syntax"
            }
        }
        for plain in 0...14 {
            let run = String(repeating: "x", count: plain)
            // Without an escape: read up to the limit; past it, refused where the 11th byte is.
            #expect(outcome("\"" + run + "\"") == (plain <= 10 ? "read" : "limit"), "\(plain)")
            if plain > 10 {
                do {
                    _ = try JSONValue.parse(Array(("\"" + run + "\"").utf8), limits: limits)
                } catch {
                    #expect(error.offset == 12, "\(plain)")
                }
            }
            // An escape first (one byte once read), then the run, closed: read up to the limit.
            #expect(outcome("\"\\n" + run + "\"") == (1 + plain <= 10 ? "read" : "limit"), "\(plain)")
            // The same, escaped again after the run.
            #expect(outcome("\"\\n" + run + "\\t\"") == (2 + plain <= 10 ? "read" : "limit"), "\(plain)")
            // Unclosed: a syntax error while the bytes so far fit, past them the limit.
            #expect(outcome("\"\\n" + run) == (1 + plain <= 11 ? "syntax" : "limit"), "\(plain)")
        }
    }

    @Test func checksUTF8AcrossSlicesOfALargeDocument() throws {
        // "发" is three bytes: after `"a`, the one at bytes 1,048,574–1,048,576 straddles the
        // first mebibyte boundary, where the check cuts the document.
        let text = "\"a" + String(repeating: "发", count: 349_526) + "\""
        #expect(JSONValue.firstInvalidUTF8(in: Array(text.utf8)) == nil)
        #expect(try JSONValue.parse(text) == .string("a" + String(repeating: "发", count: 349_526)))
        var bytes = Array(text.utf8)
        bytes[(1 << 20) - 1] = 0xFF  // the middle byte of the straddling character
        #expect(JSONValue.firstInvalidUTF8(in: bytes) == (1 << 20) - 2)
        var truncated = Array(text.utf8)
        truncated.removeLast(2)  // the closing quote and the last byte of the last character
        #expect(JSONValue.firstInvalidUTF8(in: truncated) == truncated.count - 2)
    }

    @Test(arguments: [
        "520.75", "0", "-0", "1e400", "1E-7", "12345678901234567890123456789", "-0.000000000000000000001", "2.50",
    ])
    func keepsNumbersAsExactText(number: String) throws {
        #expect(try JSONValue.parse(number) == .number(number))
        #expect(try JSONValue.parse("[\(number)]") == .array([.number(number)]))
    }

    @Test(arguments: ["-", "1.", ".5", "1e", "1e+", "+1", "--1", "1.e3", "0x10"])
    func refusesMalformedNumbers(number: String) {
        #expect(syntaxError(number) != nil)
    }

    @Test func namesTypes() throws {
        #expect(try JSONValue.parse("1").typeName == "a number")
        #expect(try JSONValue.parse("{}").typeName == "an object")
        #expect(try JSONValue.parse("null").typeName == "null")
    }

    @Test func equalValuesHashEqually() throws {
        let a = try JSONValue.parse(#"{"a":[1,"x"],"b":null}"#)
        let b = try JSONValue.parse(#"{ "a" : [ 1 , "x" ] , "b" : null }"#)
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
    }
}

/// Text that is not UTF-8 (a GBK file from an old spreadsheet) is refused, never stored as
/// replacement characters.
@Suite struct JSONEncodingTests {
    @Test func gbkTextIsRefusedNamingTheFirstBadByte() throws {
        // {"buyer":"北京"} in GBK: 北 = B1 B1, 京 = BE A9.
        let gbk: [UInt8] = Array(#"{"buyer":""#.utf8) + [0xB1, 0xB1, 0xBE, 0xA9] + Array(#""}"#.utf8)
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(gbk) }
        do {
            _ = try JSONValue.parse(gbk)
        } catch {
            #expect(error.notUTF8)
            #expect(error.offset == 10)
            #expect(error.description.contains("not UTF-8"))
        }
    }

    @Test(arguments: [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE4, 0xB8]] as [[UInt8]])
    func invalidSequencesAreRefused(bytes: [UInt8]) {
        let document = Array(#"["#.utf8) + [UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\""), UInt8(ascii: "]")]
        #expect(JSONValue.firstInvalidUTF8(in: document) == 2)
        #expect(throws: JSONValue.SyntaxError.self) { try JSONValue.parse(document) }
    }

    @Test func utf8TextIsReadAsItIs() throws {
        #expect(try JSONValue.parse(#"{"buyer":"北京客户"}"#) == .object([(key: "buyer", value: .string("北京客户"))]))
        #expect(JSONValue.firstInvalidUTF8(in: Array("北京 ok".utf8)) == nil)
    }
}

/// Objects with very many members: every duplicate is still caught, wherever it is (past a few
/// members the check is a set lookup per member; the time it takes is measured outside the tests).
@Suite struct JSONManyMembersTests {
    static func object(_ count: Int, duplicateAt position: Int? = nil) -> [UInt8] {
        var text = "{"
        for index in 0..<count {
            if index > 0 { text += "," }
            let name = position == index ? "k0" : "k\(index)"
            text += "\"\(name)\":\(index)"
        }
        return Array((text + "}").utf8)
    }

    @Test func threeHundredThousandDistinctMembersAreRead() throws {
        guard case .object(let members) = try JSONValue.parse(Self.object(300_000)) else {
            Issue.record("not an object")
            return
        }
        #expect(members.count == 300_000)
        #expect(members.last?.key == "k299999")
    }

    /// Small objects are searched member by member and larger ones through a set of names: a
    /// duplicate is caught on either side of the switch, whichever earlier member it repeats.
    @Test func everyDuplicateAroundTheSwitchToASetIsCaught() throws {
        let around = JSONParser.membersSearchedInOrder
        for count in [2, around - 1, around, around + 1, around + 2, 2 * around + 3] {
            var names = (0..<count).map { "k\($0)" }
            let distinct = "{" + names.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}"
            guard case .object(let members) = try JSONValue.parse(distinct) else {
                Issue.record("not an object")
                continue
            }
            #expect(members.map(\.key) == names)
            for repeated in 0..<count - 1 {
                for position in repeated + 1..<count {
                    names = (0..<count).map { "k\($0)" }
                    names[position] = names[repeated]
                    let text = "{" + names.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",") + "}"
                    do {
                        _ = try JSONValue.parse(text)
                        Issue.record("member \(position) repeating member \(repeated) of \(count) was accepted")
                    } catch {
                        #expect(error.expected == "no second member named \"k\(repeated)\"")
                    }
                }
            }
        }
    }

    @Test func aDuplicateAmongThreeHundredThousandIsFoundAtItsPlace() {
        do {
            _ = try JSONValue.parse(Self.object(300_000, duplicateAt: 299_999))
            Issue.record("the duplicate member was accepted")
        } catch {
            #expect(error.expected.contains("no second member named \"k0\""))
            #expect(error.offset > 3_000_000)
        }
    }
}

/// Members are found by name whether the object is searched in order or indexed.
@Suite struct JSONMembersTests {
    @Test func everyMemberIsFoundEitherSideOfTheIndex() throws {
        for count in [0, 1, JSONMembers.searchedInOrder, JSONMembers.searchedInOrder + 1, 100] {
            let list = (0..<count).map { (key: "k\($0)", value: JSONValue.number(String($0))) }
            let members = JSONMembers(list)
            for index in 0..<count { #expect(members["k\(index)"] == .number(String(index))) }
            #expect(members["k\(count)"] == nil)
            #expect(members.dictionary.count == count)
        }
    }

    @Test func aRepeatedNameGivesItsLastValueEitherSideOfTheIndex() {
        for count in [3, JSONMembers.searchedInOrder + 5] {
            var list = (0..<count).map { (key: "k\($0)", value: JSONValue.number(String($0))) }
            list.append((key: "k1", value: .string("last")))
            let members = JSONMembers(list)
            #expect(members["k1"] == .string("last"))
            #expect(members.dictionary["k1"] == .string("last"))
        }
        #expect(JSONMembers(JSONValue.array([])) == nil)
        #expect(JSONMembers(nil) == nil)
    }
}
