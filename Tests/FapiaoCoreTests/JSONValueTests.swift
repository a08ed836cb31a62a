import FapiaoCore
import Testing

@Suite struct JSONValueTests {
    func syntaxError(_ text: String) -> JSONValue.SyntaxError? {
        do {
            _ = try JSONValue.parse(text)
            return nil
        } catch {
            return error
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
