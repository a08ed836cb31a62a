import FapiaoCore
import FapiaoTesting
import Foundation
import Testing

@Suite struct InvoiceOperationTests {
    let clock = ManualClock()

    func invoice() throws -> Invoice {
        let context = CaptureContext(id: SequentialIDSource.id(1), capturedAt: clock.now, branch: "bj-01")
        return try InvoiceValidator.validate(InvoiceFixtures.validInput(clock: clock), context: context).invoice
    }

    @Test func theHashCoversKindInvoiceClockAndPayload() throws {
        let invoice = try invoice()
        let clock = VectorClock(["bj-01": 1])
        let operation = InvoiceOperation(id: SequentialIDSource.id(2), kind: .create, clock: clock, invoice: invoice)
        let envelope =
            #"{"clock":{"bj-01":1},"invoiceID":"00000001-0000-4000-8000-000000000001","kind":"create","payload":"#
            + invoice.canonicalJSON.text + "}"
        #expect(operation.hash == Digest.sha256Hex(Array(envelope.utf8)))
        #expect(operation.invoiceID == invoice.id)
        #expect(
            operation.hash
                == InvoiceOperation.hash(
                    kind: .create,
                    invoiceID: invoice.id,
                    clock: clock,
                    payload: invoice.canonicalJSON
                )
        )
    }

    @Test func theHashIsStableForTheSameParts() throws {
        let invoice = try invoice()
        let clock = VectorClock(["bj-01": 1])
        let first = InvoiceOperation(id: SequentialIDSource.id(2), kind: .create, clock: clock, invoice: invoice)
        let again = InvoiceOperation(id: SequentialIDSource.id(2), kind: .create, clock: clock, invoice: invoice)
        // The op id is the idempotency key, not part of the hash: a retry under a new id hashes the same.
        let renamed = InvoiceOperation(id: SequentialIDSource.id(3), kind: .create, clock: clock, invoice: invoice)
        #expect(first.hash == again.hash)
        #expect(first == again)
        #expect(renamed.hash == first.hash)
    }

    @Test func theHashDiffersWhenClockKindOrPayloadDiffer() throws {
        let invoice = try invoice()
        let clock = VectorClock(["bj-01": 1])
        let id = SequentialIDSource.id(2)
        let base = InvoiceOperation(id: id, kind: .create, clock: clock, invoice: invoice).hash
        var amended = invoice
        amended.buyer.name = "北京新客户有限公司"
        var otherInvoice = invoice
        otherInvoice.id = SequentialIDSource.id(9)
        let variants = [
            InvoiceOperation(id: id, kind: .create, clock: clock.incremented(at: "bj-01"), invoice: invoice).hash,
            InvoiceOperation(id: id, kind: .create, clock: clock.incremented(at: "central"), invoice: invoice).hash,
            InvoiceOperation(id: id, kind: .create, clock: VectorClock(), invoice: invoice).hash,
            InvoiceOperation(id: id, kind: .amend, clock: clock, invoice: invoice).hash,
            InvoiceOperation(id: id, kind: .void, clock: clock, invoice: invoice).hash,
            InvoiceOperation(id: id, kind: .resolve, clock: clock, invoice: invoice).hash,
            InvoiceOperation(id: id, kind: .create, clock: clock, invoice: amended).hash,
            InvoiceOperation(id: id, kind: .create, clock: clock, invoice: otherInvoice).hash,
        ]
        for variant in variants { #expect(variant != base) }
        #expect(Set(variants).count == variants.count)
    }
}
