import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import FapiaoTesting
import Foundation
import GRDB
import Testing

/// The outbox sends each operation as stored, its payload checked against its hash but not read
/// back: a payload forged together with its hash is the remote's to refuse, one operation at a
/// time, and the rest of the outbox still goes.
@Suite struct SyncStoredPayloadTests {
    /// Rewrites the payload of `receipt`'s operation, with its hash recomputed, behind fapiao's back.
    func forge(_ harness: SyncHarness, _ receipt: CaptureReceipt, payload: CanonicalJSON) throws {
        let hash = InvoiceOperation.hash(
            kind: .create,
            invoiceID: receipt.invoice.id,
            clock: receipt.clock,
            payload: payload
        )
        let queue = try DatabaseQueue(path: harness.journal.path)
        try queue.write { db in
            try db.execute(
                sql: "UPDATE operation SET payload = ?, hash = ? WHERE id = ?",
                arguments: [payload.text, hash, receipt.operationID.uuidText]
            )
            #expect(db.changesCount == 1)
        }
        try queue.close()
    }

    @Test func anOperationWhosePayloadIsNoInvoiceIsQuarantinedAndTheOthersGo() async throws {
        let harness = try SyncHarness()
        let receipts = try (1...3).map { try harness.capture($0) }
        try forge(harness, receipts[1], payload: .object(["id": .string("forged")]))

        let summary = try await harness.engine().run()

        #expect(summary.tally.accepted == 2)
        #expect(summary.tally.quarantined == 1)
        let atCentre = try await harness.store.lookup(receipts.map(\.invoice.id)).found.map(\.invoice.id)
        #expect(Set(atCentre) == [receipts[0].invoice.id, receipts[2].invoice.id])
        let quarantined = try harness.journal.quarantine()
        #expect(quarantined.map(\.operationID) == [receipts[1].operationID])
        let refusal =
            "rejected by the remote: the invoice of operation \(receipts[1].operationID.uuidText) cannot be read: "
        #expect(quarantined.first?.reason.hasPrefix(refusal) == true)
        // Sent once, refused once: nothing is left to send.
        #expect(try harness.journal.oldestUnansweredSequence() == nil)
    }

    @Test func theDryRunPredictsTheRefusalAndHasNoNumberForIt() async throws {
        let harness = try SyncHarness()
        let receipts = try (1...2).map { try harness.capture($0) }
        try forge(harness, receipts[0], payload: .object(["note": .string("not an invoice")]))

        var planned: [PlannedOperation] = []
        _ = try await harness.engine().plan { planned += $0 }

        #expect(planned.map(\.item.operation.id) == receipts.map(\.operationID))
        #expect(planned.map(\.invoice?.number) == [nil, receipts[1].invoice.number])
        guard case .outcome(.rejected(let reason)) = planned.first?.prediction else {
            Issue.record("the forged operation is predicted \(String(describing: planned.first?.prediction))")
            return
        }
        #expect(reason.hasPrefix("the invoice of operation \(receipts[0].operationID.uuidText) cannot be read"))
        #expect(planned.last?.prediction == .outcome(.accepted))
    }
}
