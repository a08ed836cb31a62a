import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@Suite struct StoredOperationTests {
    let clock = ManualClock()

    func operation() throws -> InvoiceOperation {
        let context = CaptureContext(id: SequentialIDSource.id(1), capturedAt: clock.now, branch: "bj-01")
        let invoice = try InvoiceValidator.validate(InvoiceFixtures.validInput(clock: clock), context: context).invoice
        return InvoiceOperation(
            id: SequentialIDSource.id(2),
            kind: .create,
            clock: VectorClock(["bj-01": 1]),
            invoice: invoice
        )
    }

    /// Reads `operation`'s parts back as the journal does, with `payload` and `hash` in place of its own.
    func read(_ operation: InvoiceOperation, payload: String? = nil, hash: String? = nil) -> StoredOperation? {
        StoredOperation(
            id: operation.id,
            invoiceID: operation.invoiceID,
            kind: operation.kind,
            clock: operation.clock,
            payloadBytes: Array((payload ?? operation.payloadText).utf8),
            hash: hash ?? operation.hash
        )
    }

    @Test func aStoredOperationReadsBackAsTheOperationItWas() throws {
        let operation = try operation()
        let stored = try #require(read(operation))
        #expect(stored == operation.stored)
        #expect(try stored.decoded() == operation)
        #expect(stored.payloadText == operation.invoice.canonicalJSON.text)
    }

    @Test func partsThatDoNotGiveTheHashAreRefused() throws {
        let operation = try operation()
        let altered = operation.payloadText.replacingOccurrences(of: "bj-01", with: "bj-02")
        #expect(altered != operation.payloadText)
        #expect(read(operation, payload: altered) == nil)
        var flipped = Array(operation.hash)
        flipped[0] = flipped[0] == "0" ? "1" : "0"
        #expect(read(operation, hash: String(flipped)) == nil)
        let otherClock = StoredOperation(
            id: operation.id,
            invoiceID: operation.invoiceID,
            kind: operation.kind,
            clock: VectorClock(["bj-01": 2]),
            payloadBytes: operation.payloadBytes,
            hash: operation.hash
        )
        #expect(otherClock == nil)
    }

    /// A payload forged together with its hash passes the hash check; reading it back is where it fails.
    @Test func aForgedPayloadThatIsNoInvoiceFailsToDecodeNamingTheOperation() throws {
        let operation = try operation()
        for payload in [#"{"id":"x"}"#, "not json", #"{"note":"#] {
            let hash = Digest.sha256Hex(
                Array(
                    (#"{"clock":{"bj-01":1},"invoiceID":""# + operation.invoiceID.uuidText
                        + #"","kind":"create","payload":"#
                        + payload + "}").utf8
                )
            )
            let stored = try #require(read(operation, payload: payload, hash: hash))
            let error = #expect(throws: StoredOperation.UnreadableInvoice.self) { try stored.decoded() }
            #expect(error?.operationID == operation.id)
            #expect(
                error?.description.hasPrefix("the invoice of operation \(operation.id.uuidText) cannot be read") == true
            )
        }
    }

    @Test func aPayloadOfAnotherInvoiceFailsToDecode() throws {
        let operation = try operation()
        var other = operation.invoice
        other.id = SequentialIDSource.id(9)
        let payload = other.canonicalJSON
        let hash = InvoiceOperation.hash(
            kind: operation.kind,
            invoiceID: operation.invoiceID,
            clock: operation.clock,
            payload: payload
        )
        let stored = try #require(read(operation, payload: payload.text, hash: hash))
        let error = #expect(throws: StoredOperation.UnreadableInvoice.self) { try stored.decoded() }
        #expect(error?.problem == "its payload is invoice \(other.id.uuidText)")
    }
}
