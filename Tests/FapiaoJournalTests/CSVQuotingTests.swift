import FapiaoCore
import FapiaoJournal
import Foundation
import Testing

/// CSV and encoding mistakes an import once read past (found by the reliability harness's
/// cli-malformed part): each file is refused as a whole, naming the line.
@Suite struct CSVQuotingTests {
    static let header = "type,number,note"

    func refusal(_ text: String, format: InvoiceFileFormat = .csv) -> String? {
        refusal(Array(text.utf8), format: format)
    }

    func refusal(_ bytes: [UInt8], format: InvoiceFileFormat = .csv) -> String? {
        do {
            _ = try InvoiceFileReader.parse(bytes, format: format, name: "f")
            return nil
        } catch {
            #expect(error.code == .unusable)
            return error.message
        }
    }

    @Test(arguments: [
        ("digitalOrdinary,1,ok\ndigitalOrdinary,2,\"never closed\ndigitalOrdinary,3,x\n", 3, "never closed"),
        ("digitalOrdinary,1,\"quoted\"x\n", 2, "after its closing quote"),
        ("digitalOrdinary,1,\"quoted\" \n", 2, "after its closing quote"),
        ("digitalOrdinary,1,ok\ndigitalOrdinary,2,5\" screen\n", 3, "does not start with one"),
        ("digitalOrdinary,1,\"two\nlines\"\ndigitalOrdinary,2,\"x\"y\n", 4, "after its closing quote"),
        ("digitalOrdinary,1,\"open\ndigitalOrdinary,2,x\ndigitalOrdinary,3,\"a, b\"\n", 2, "runs on to line 4"),
    ])
    func brokenQuotingIsRefusedNamingItsLine(body: String, line: Int, words: String) throws {
        let message = try #require(refusal(Self.header + "\n" + body))
        #expect(message.contains("malformed at line \(line):"), "\(message)")
        #expect(message.contains(words))
    }

    @Test func wellFormedQuotingPasses() throws {
        let text = Self.header + "\r\n" + "digitalOrdinary,1,\"a, \"\"b\"\"\"\r\n\"digitalOrdinary\",2,\"\"\r\n"
        let rows = try InvoiceFileReader.parse(Array(text.utf8), format: .csv, name: "f")
        #expect(rows.map(\.line) == [2, 3])
        #expect(try rows[0].input.get().fields["note"] == #"a, "b""#)
    }

    @Test func aRecordIsNamedByTheLineItStartsOn() throws {
        let text = Self.header + "\n" + "digitalOrdinary,1,\"two\nlines\"\n" + "digitalOrdinary,2,x\n"
        let rows = try InvoiceFileReader.parse(Array(text.utf8), format: .csv, name: "f")
        #expect(rows.map(\.line) == [2, 4])
    }

    @Test func aRepeatedHeaderColumnIsRefused() throws {
        let message = try #require(refusal("type,number,type\ndigitalOrdinary,1,\n"))
        #expect(message.contains(#"names "type" twice"#))
    }

    @Test(arguments: ["", "\n", " \r\n "])
    func anEmptyFileSaysSo(text: String) throws {
        let message = try #require(refusal(text))
        #expect(message.contains("is empty"))
    }

    @Test func aFileNotInUTF8NamesTheLine() throws {
        var bytes = Array((Self.header + "\ndigitalOrdinary,1,ok\ndigitalOrdinary,2,").utf8)
        bytes += [0xB1, 0xB1, 0xBE, 0xA9, 0x0A]  // 北京 in GBK
        for format in [InvoiceFileFormat.csv, .jsonl] {
            let message = try #require(refusal(bytes, format: format))
            #expect(message.contains("line 3 (byte \(bytes.count - 4))"), "\(message)")
        }
        let withBOM = try #require(refusal([0xEF, 0xBB, 0xBF, 0x7B, 0xFF, 0x7D], format: .jsonl))
        #expect(withBOM.contains("line 1 (byte 5)"))
    }
}
