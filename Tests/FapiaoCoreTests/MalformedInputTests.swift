import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

/// Invoices made invalid by construction that the validator once accepted or answered at length
/// (found by the reliability harness's cli-malformed part).
@Suite struct MalformedInputTests {
    let clock = ManualClock()

    var context: CaptureContext {
        CaptureContext(id: SequentialIDSource.id(1), capturedAt: clock.now, branch: "bj-01", operatorName: "王小明")
    }

    var valid: InvoiceInput { InvoiceFixtures.validInput(clock: clock) }

    func failure(_ input: InvoiceInput) -> ValidationFailure? {
        do {
            _ = try InvoiceValidator.validate(input, context: context)
            return nil
        } catch {
            return error
        }
    }

    func broken(_ input: InvoiceInput) -> [String] {
        failure(input)?.issues.map { "\($0.field) \($0.rule)" } ?? []
    }

    func withLine(_ changes: [String: String?]) -> InvoiceInput {
        var input = valid
        for (name, value) in changes { input.lines[0][name] = value }
        return input
    }

    @Test(arguments: ["0", "0.0", "0.000000"])
    func aZeroQuantityIsRefused(quantity: String) {
        #expect(broken(withLine(["quantity": quantity, "unitPrice": nil])) == ["lines[1].quantity positive"])
    }

    @Test func quantityTimesUnitPriceMustBeTheLinesNet() throws {
        // 2 × 520.75 is 1,041.50, not the line's 520.75.
        #expect(broken(withLine(["quantity": "2"])) == ["lines[1].net quantityTimesPrice"])
        #expect(broken(withLine(["quantity": "1", "unitPrice": "5207.5"])) == ["lines[1].net quantityTimesPrice"])
        // Within the line's 0.01: 3 × 173.583333 = 520.749999 → 520.75.
        #expect(broken(withLine(["quantity": "3", "unitPrice": "173.583333"])) == [])
        #expect(broken(withLine(["quantity": "3", "unitPrice": "173.58"])) == [])  // 520.74: a fen off
        #expect(broken(withLine(["quantity": "3", "unitPrice": "173.57"])) == ["lines[1].net quantityTimesPrice"])
        // Either one alone carries no check.
        #expect(broken(withLine(["quantity": "7", "unitPrice": nil])) == [])
        #expect(broken(withLine(["quantity": nil, "unitPrice": "1"])) == [])
        // Huge values do not overflow.
        let huge = withLine(["quantity": "999999999999.999999", "unitPrice": "999999999999.999999"])
        #expect(broken(huge) == ["lines[1].net quantityTimesPrice"])
    }

    @Test func aRedInvoicesLinesCompareTheMagnitude() throws {
        var red = valid
        red.fields.merge([
            "kind": "red", "originalNumber": "26110000000000000009", "number": "26110000000000000002",
            "net": "-520.75", "tax": "-31.25", "gross": "-552.00", "redReason": "销货退回",
            "redConfirmation": "12345678901234567890",
        ]) { _, new in new }
        red.lines = [
            [
                "description": "技术服务费", "quantity": "2", "unitPrice": "260.375", "net": "-520.75", "taxRate": "0.06",
                "tax": "-31.25",
            ]
        ]
        #expect(broken(red) == [])
        red.lines[0]["quantity"] = "3"
        #expect(broken(red) == ["lines[1].net quantityTimesPrice"])
    }

    @Test(arguments: ["\u{80}", "\u{85}", "\u{9B}", "\u{9F}"])
    func c1ControlCharactersInTextAreRefused(character: String) {
        var input = valid
        input.fields["buyer.name"] = "北京" + character + "客户"
        #expect(broken(input) == ["buyer.name controlCharacter"])
    }

    @Test func refusedValuesAreNotEchoedWhole() throws {
        let huge = String(repeating: "9", count: 900_000)
        for field in ["type", "number", "issueDate"] {
            var input = valid
            input.fields[field] = huge
            let message = try #require(failure(input)?.description)
            #expect(message.utf8.count < 1_000, "\(field): \(message.utf8.count) bytes")
            #expect(message.contains("900000 bytes"))
        }
        let json = InvoiceFixtures.json(valid).text.replacingOccurrences(
            of: #""net":"520.75""#,
            with: #""net":"# + huge
        )
        let fromJSON = InvoiceInput.fromJSON(try JSONValue.parse(json))
        let message = try #require(failure(fromJSON)?.description)
        #expect(message.utf8.count < 1_000)
        #expect(message.contains("net must be a string such as"))
        let key = String(repeating: "k", count: 100_000)
        let unknown = InvoiceInput.fromJSON(
            try JSONValue.parse(#"{"\#(key)":"1"}"#)
        )
        #expect(unknown.problems.allSatisfy { $0.field.utf8.count < 100 })
        do {
            _ = try JSONValue.parse(#"{"\#(key)":"1","\#(key)":"2"}"#)
            Issue.record("a repeated member was accepted")
        } catch {
            #expect("\(error)".utf8.count < 1_000)
        }
    }

    @Test func aCSVRowShortOfCellsIsRefused() {
        let header = ["type", "number", "note", "operator"]
        let short = InvoiceInput.fromCSV(header: header, row: ["digitalOrdinary", "26110000000000000001"])
        #expect(short.problems.map { "\($0.field) \($0.rule)" } == ["row columns"])
        let full = InvoiceInput.fromCSV(header: header, row: ["digitalOrdinary", "26110000000000000001", "", ""])
        #expect(full.problems.isEmpty)
    }
}
