import FapiaoCore
import FapiaoJournal
import FapiaoTesting
import Foundation
import Testing

@Suite struct ImportTests {
    let harness: JournalHarness
    let journal: Journal
    let options = CaptureOptions(actor: JournalHarness.actor, source: "import:invoices")

    init() throws {
        harness = try JournalHarness()
        journal = try harness.create()
    }

    /// One JSONL line holding the fixture with number `sequence`, changed by `fields`.
    func jsonLine(_ sequence: Int, _ fields: [String: String] = [:]) -> String {
        var input = harness.input(sequence)
        input.fields.merge(fields) { _, new in new }
        return InvoiceFixtures.json(input).text
    }

    func write(_ text: String, to name: String) throws -> String {
        let path = harness.directory.file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func planReportsEveryBadLineAndCommitInsertsTheRest() throws {
        try journal.capture(harness.input(5), options: JournalHarness.options)
        let lines = [
            jsonLine(1),  // 1 valid
            "",  // 2 blank, skipped
            #"{"type": "#,  // 3 not JSON
            jsonLine(2),  // 4 valid
            jsonLine(3, ["gross": "552.01"]),  // 5 gross
            jsonLine(1, ["buyer.name": "另一个客户"]),  // 6 repeats line 1's number
            jsonLine(5),  // 7 already in the journal
            jsonLine(6).replacingOccurrences(of: #""net":"520.75","number""#, with: #""net":520.75,"number""#),  // 8
            jsonLine(7) + "\r",  // 9 valid, CRLF
        ]
        let path = try write(lines.joined(separator: "\n") + "\n", to: "invoices.jsonl")
        let rows = try InvoiceFileReader.read(path: path, format: .jsonl)
        #expect(rows.map(\.line) == [1, 3, 4, 5, 6, 7, 8, 9])

        var progress: [(Int, Int)] = []
        let plan = try journal.planImport(rows, options: options) { progress.append(($0, $1)) }
        #expect(plan.valid.map(\.line) == [1, 4, 9])
        #expect(plan.invalid.map(\.line) == [3, 5, 6, 7, 8])
        #expect(plan.total == 8)
        #expect(progress.last.map { [$0.0, $0.1] } == [8, 8])
        let failures = Dictionary(uniqueKeysWithValues: plan.invalid.map { ($0.line, $0.failure) })
        #expect(failures[3]?.brokenRules == ["line format"])
        #expect(failures[5]?.brokenRules == ["gross grossMismatch"])
        #expect(failures[6]?.brokenRules == ["number unique"])
        #expect(failures[6]?.issues.first?.message.contains("at line 1") == true)
        #expect(failures[7]?.brokenRules == ["number unique"])
        #expect(failures[7]?.issues.first?.message.contains("already in the journal") == true)
        #expect(failures[8]?.brokenRules == ["net type"])

        // Planning writes nothing.
        #expect(try journal.status().invoices == 1)
        #expect(try journal.status().auditEntries == 2)

        let committed = try journal.commitImport(plan, options: options)
        #expect(committed == 3)
        let status = try journal.status()
        #expect(status.invoices == 4)
        #expect(status.pendingOperations == 4)
        #expect(status.auditEntries == 5)
        let numbers = try journal.invoices().map(\.invoice.number)
        #expect(Set(numbers) == Set([5, 1, 2, 7].map(InvoiceFixtures.number)))
        let imported = try journal.auditEntries().suffix(3)
        #expect(imported.map(\.sequence) == [3, 4, 5])
        #expect(imported.allSatisfy { $0.event == .captured })
        for entry in imported {
            #expect(try JSONValue.parse(entry.detailsText)["source"] == .string("import:invoices"))
        }
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func aCommitIsAllOrNothing() throws {
        let rows = try InvoiceFileReader.parse(
            Array([jsonLine(1), jsonLine(2), jsonLine(3)].joined(separator: "\n").utf8),
            format: .jsonl,
            name: "invoices.jsonl"
        )
        let plan = try journal.planImport(rows, options: options)
        #expect(plan.valid.count == 3)
        // Another clerk captures number 3 between the plan and the commit.
        try journal.capture(harness.input(3), options: JournalHarness.options)
        let before = try journal.status()
        #expect(throws: (any Error).self) { try journal.commitImport(plan, options: options) }
        let after = try journal.status()
        #expect(after.invoices == before.invoices)
        #expect(after.auditEntries == before.auditEntries)
        #expect(try journal.invoices().map(\.invoice.number) == [InvoiceFixtures.number(3)])
        #expect(try journal.verifyAudit().isIntact)
    }

    @Test func aCSVFileIsReadRowByRow() throws {
        let header = "type,number,issueDate,seller.name,seller.taxID,buyer.name,buyer.taxID,net,taxRate,tax,gross,note"
        func row(_ sequence: Int, net: String = "520.75", buyer: String = InvoiceFixtures.buyerName) -> String {
            [
                "digitalOrdinary", InvoiceFixtures.number(sequence), harness.clock.shanghaiToday.description,
                InvoiceFixtures.sellerName, InvoiceFixtures.sellerTaxID, buyer, InvoiceFixtures.buyerTaxID, net,
                "0.06", "31.25", "552.00", #""备注, 含逗号""#,
            ].joined(separator: ",")
        }
        let text = [header, row(11), row(12, net: "520.755"), row(11, buyer: "另一个客户"), "", row(13)]
            .joined(separator: "\r\n")
        let path = try write("\u{FEFF}" + text, to: "invoices.csv")
        let rows = try InvoiceFileReader.read(path: path, format: .csv)
        let plan = try journal.planImport(rows, options: options)
        #expect(plan.valid.map(\.line) == [2, 6])
        #expect(plan.invalid.map(\.line) == [3, 4])
        #expect(plan.invalid.first?.failure.brokenRules == ["net decimalPlaces"])
        #expect(plan.invalid.last?.failure.issues.first?.message.contains("at line 2") == true)
        #expect(plan.valid.first?.invoice.invoice.note == "备注, 含逗号")
        #expect(try journal.commitImport(plan, options: options) == 2)
        #expect(try journal.status().invoices == 2)
    }

    @Test func aCSVHeaderWithAnUnknownColumnIsRefused() throws {
        let text = "type,number,colour\ndigitalOrdinary,\(InvoiceFixtures.number),red\n"
        let path = try write(text, to: "bad.csv")
        do {
            _ = try InvoiceFileReader.read(path: path, format: .csv)
            Issue.record("an unknown column was accepted")
        } catch {
            #expect(error.code == .unusable)
            #expect(error.message.contains("colour"))
        }
    }

    @Test func aCSVFileWithoutANumberColumnIsRefused() {
        #expect(throws: InputFileError.self) {
            try InvoiceFileReader.parse(
                Array("type,issueDate\ndigitalOrdinary,2026-11-20\n".utf8),
                format: .csv,
                name: "x"
            )
        }
    }

    @Test func systemColumnsAreAllowedInACSVHeader() throws {
        let text = "number,branch,state\n\(InvoiceFixtures.number),bj-01,pending\n"
        let rows = try InvoiceFileReader.parse(Array(text.utf8), format: .csv, name: "shown.csv")
        #expect(rows.count == 1)
        let input = try #require(try rows.first?.input.get())
        #expect(input.fields == ["number": InvoiceFixtures.number])
        #expect(input.problems.isEmpty)
    }

    @Test func aMissingFileIsNotFound() {
        do {
            _ = try InvoiceFileReader.read(path: harness.directory.file("missing.jsonl"), format: .jsonl)
            Issue.record("a missing file was read")
        } catch {
            #expect(error.code == .notFound)
        }
    }

    @Test func aFileThatIsNotUTF8IsRefused() {
        do {
            _ = try InvoiceFileReader.parse([0x7B, 0xFF, 0xFE, 0x7D], format: .jsonl, name: "latin1.jsonl")
            Issue.record("invalid UTF-8 was read")
        } catch {
            #expect(error.code == .unusable)
        }
    }

    @Test(arguments: [("a.csv", InvoiceFileFormat.csv), ("A.JSONL", .jsonl), ("b.ndjson", .jsonl), ("c.json", .jsonl)])
    func theFormatIsGuessedFromTheName(name: String, format: InvoiceFileFormat) {
        #expect(InvoiceFileFormat.guess(path: name) == format)
        #expect(InvoiceFileFormat.guess(path: "invoices.xlsx") == nil)
    }
}
