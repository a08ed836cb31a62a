import FapiaoCore
import FapiaoTesting
import Testing

@Suite struct CanonicalJSONTests {
    @Test func sortsKeysByTheirUTF8Bytes() {
        let value = CanonicalJSON.object([
            "b": .integer(1), "a": .integer(2), "B": .integer(3), "é": .integer(4), "aa": .integer(5),
            "北": .integer(6), "": .integer(7), "\u{E000}": .integer(8), "😀": .integer(9),
        ])
        // UTF-8 order puts U+E000 (EE 80 80) before U+1F600 (F0 9F 98 80); UTF-16 order would not.
        #expect(value.text == #"{"":7,"B":3,"a":2,"aa":5,"b":1,"é":4,"北":6,"\#u{E000}":8,"😀":9}"#)
    }

    @Test func asciiKeysSortInByteOrderToo() {
        // The ASCII fast path must agree with byte order on every printable character.
        var generator = SystemRandomNumberGenerator()
        let alphabet = (0x20..<0x7F).map { Character(Unicode.Scalar(UInt8($0))) }
        for _ in 0..<200 {
            var members: [String: CanonicalJSON] = [:]
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                let length = Int.random(in: 0...4, using: &generator)
                let key = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
                members[key] = .integer(Int64(members.count))
            }
            let byteOrder = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            var expected = "{"
            for (index, key) in byteOrder.enumerated() {
                if index > 0 { expected += "," }
                expected += CanonicalJSON.string(key).text + ":" + members[key]!.text
            }
            expected += "}"
            #expect(CanonicalJSON.object(members).text == expected)
        }
    }

    @Test func sortsNestedObjectsAndKeepsArrayOrder() {
        let value = CanonicalJSON.object([
            "z": .array([.integer(3), .object(["y": .null, "x": .bool(true)]), .integer(1)]),
            "m": .object(["b": .string("2"), "a": .string("1")]),
        ])
        #expect(value.text == #"{"m":{"a":"1","b":"2"},"z":[3,{"x":true,"y":null},1]}"#)
    }

    @Test func escapesOnlyWhatJSONRequires() {
        let value = CanonicalJSON.string("a\"b\\c\n\r\t\u{01}\u{08}\u{0C}\u{1F}/é北\u{7F}😀")
        #expect(value.text == #""a\"b\\c\n\r\t\u0001\u0008\u000c\u001f/é北"# + "\u{7F}😀\"")
        #expect(CanonicalJSON.object(["k\"ey": .string("v")]).text == #"{"k\"ey":"v"}"#)
    }

    /// JSON's escapes written byte by byte: what ``CanonicalJSON/writeString(_:into:)`` must
    /// give, whatever runs it copies whole.
    func referenceEscape(_ text: String) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x00..<0x20: out += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    @Test func stringsWithEscapesAnywhereGiveTheByteByByteEscapes() {
        var generator = SystemRandomNumberGenerator()
        let pieces: [String] = [
            "\"", "\\", "\n", "\r", "\t", "\u{00}", "\u{08}", "\u{1F}", "a", "北京", "😀", "\u{7F}", "/", "{\"k\":1}",
            "0123456789abcdef", "seventeen bytes..", "!#[] ]^_`~é\u{80}\u{FF}",
        ]
        var texts = ["", "\"", "\"\"", "plain", "ends with a quote\"", "\\starts with a backslash"]
        for _ in 0..<500 {
            let count = Int.random(in: 0...16, using: &generator)
            texts.append((0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for text in texts {
            var out: [UInt8] = []
            CanonicalJSON.writeString(text, into: &out)
            #expect(out == referenceEscape(text), "\(Array(text.utf8))")
        }
    }

    @Test func writesIntegersBooleansAndNull() {
        #expect(CanonicalJSON.integer(-5).text == "-5")
        #expect(CanonicalJSON.integer(Int64.min).text == "-9223372036854775808")
        #expect(CanonicalJSON.array([.bool(true), .bool(false), .null]).text == "[true,false,null]")
        #expect(CanonicalJSON.object([:]).text == "{}")
        #expect(CanonicalJSON.array([]).text == "[]")
        #expect(CanonicalJSON.optional(nil) == .null)
        #expect(CanonicalJSON.optional("x") == .string("x"))
    }

    @Test func theTextIsJSONThatParsesBackToTheSameContent() throws {
        let value = CanonicalJSON.object([
            "s": .string("line\nbreak \"quoted\" \u{01} 北京 😀"), "n": .integer(-42), "a": .array([.null, .bool(true)]),
        ])
        let parsed = try JSONValue.parse(value.text)
        #expect(
            parsed
                == .object([
                    (key: "a", value: .array([.null, .bool(true)])),
                    (key: "n", value: .number("-42")),
                    (key: "s", value: .string("line\nbreak \"quoted\" \u{01} 北京 😀")),
                ])
        )
    }

    @Test func equalValuesGiveTheSameBytesWhateverTheConstructionOrder() {
        let pairs: [(String, CanonicalJSON)] = (0..<40).map { index in
            ("key\(index * 7 % 40)-\(["北", "a", "Z", "é"][index % 4])", .string("value \(index)"))
        }
        var random = SeededGenerator(seed: 8_259)
        var reference: [UInt8]?
        for _ in 0..<50 {
            var members: [String: CanonicalJSON] = [:]
            for (key, value) in pairs.shuffled(using: &random) { members[key] = value }
            let bytes = CanonicalJSON.object(["outer": .object(members), "list": .array(pairs.map(\.1))]).bytes
            if let reference {
                #expect(bytes == reference)
            } else {
                reference = bytes
            }
        }
        #expect(reference?.isEmpty == false)
    }

    @Test func differentValuesGiveDifferentBytes() {
        let values: [CanonicalJSON] = [
            .null, .bool(false), .integer(0), .string(""), .string("0"), .array([]), .object([:]),
            .array([.null]), .object(["": .null]), .string("null"),
        ]
        #expect(Set(values.map(\.bytes)).count == values.count)
    }

    @Test func accessorsReadMembers() {
        let value = CanonicalJSON.object(["s": .string("x"), "i": .integer(3)])
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.integerValue == 3)
        #expect(value["missing"] == nil)
        #expect(CanonicalJSON.string("x")["s"] == nil)
    }

    @Test func digestIsSHA256InLowercaseHex() {
        #expect(
            Digest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(Digest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.zeroHex == String(repeating: "0", count: 64))
    }
}

/// ``JSONValue/canonicalBytes`` writes what `CanonicalJSON(json:)` would, without building it.
@Suite struct JSONValueCanonicalBytesTests {
    func reference(_ value: JSONValue) -> [UInt8] { CanonicalJSON(json: value).bytes }

    @Test func parsedDocumentsGiveTheReferenceBytes() throws {
        for text in [
            #"{"b":1,"a":[2,{"d":"x","c":null}],"aa":true,"A":false}"#,
            #"{"amount":"12.50","n":-0,"big":123456789012345678901234,"f":1.5e3,"neg":-7}"#,
            #"{"é":1,"e":2,"北":{"z":"\u0001\"\\"},"😀":[]}"#,
            #"[{"y":1,"x":2},[],{},"s",null]"#,
            #""just a string""#, "42", "null",
        ] {
            let value = try JSONValue.parse(text)
            #expect(value.canonicalBytes == reference(value), "\(text)")
        }
        for invoice in [try InvoiceCanonicalTests.fixture(), InvoiceCanonicalTests.full()] {
            let parsed = try JSONValue.parse(invoice.canonicalJSON.bytes)
            #expect(parsed.canonicalBytes == invoice.canonicalJSON.bytes)
        }
    }

    @Test func aRepeatedNameKeepsItsLastValueAsTheReferenceDoes() {
        let built = JSONValue.object([
            (key: "b", value: .number("1")), (key: "a", value: .number("2")), (key: "b", value: .number("3")),
            (key: "a", value: .string("4")), (key: "c", value: .null),
        ])
        #expect(built.canonicalBytes == reference(built))
        #expect(String(decoding: built.canonicalBytes, as: UTF8.self) == #"{"a":"4","b":3,"c":null}"#)
        // Names String's equality calls equal although their bytes differ (é precomposed and not).
        let equivalent = JSONValue.object([
            (key: "\u{E9}", value: .number("1")), (key: "e\u{301}", value: .number("2")),
        ])
        #expect(equivalent.canonicalBytes == reference(equivalent))
    }
}
