import ArgumentParser
import FapiaoCore
import FapiaoJournal
import Foundation

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk through capturing invoices during an outage, on a temporary journal.",
        discussion: """
            Creates a throw-away journal, captures invoices while the central system is down, shows a \
            typo being refused, corrects and voids an invoice, and verifies the audit chain. \
            Nothing outside the temporary directory is touched.

            Examples:
              fapiao demo
              fapiao demo --keep      # keep the journal afterwards to explore it
            """
    )

    @Flag(help: "Keep the temporary journal and print its path.")
    var keep = false

    func run() throws {
        try reportingErrors {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("fapiao-demo-\(UUID().uuidString.prefix(8))").path
            let path = directory + "/journal.sqlite"
            defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }

            say("1. The central invoice system is down. The Chaoyang branch opens its journal.")
            let journal = try Journal.create(
                at: path,
                settings: JournalSettings(node: "bj-chaoyang-01", operatorName: "王芳"),
                actor: "王芳"
            )
            show("fapiao init --node bj-chaoyang-01 --operator 王芳", "created journal \(path)")

            let today = CalendarDate(shanghaiDateAt: JournalEnvironment.system().now())
            let clerk = CaptureOptions(actor: "王芳", source: "demo")
            say(
                "2. The clerk types in the invoices the branch issues by hand. Each is on disk before its id is printed."
            )
            var ids: [String] = []
            for (index, sample) in DemoInvoices.samples(today: today).enumerated() {
                let receipt = try journal.capture(sample, options: clerk)
                ids.append(String(receipt.invoice.id.uuidString.prefix(8)))
                show(
                    "fapiao enqueue --json invoice-\(index + 1).json",
                    "captured \(receipt.invoice.id.uuidString)  number \(receipt.invoice.number)  gross \(receipt.invoice.gross)  pending"
                )
            }

            say(
                "3. A typo in the seller's tax ID (last character) is caught by its check character; nothing is written."
            )
            var typo = DemoInvoices.samples(today: today)[0]
            typo.fields["seller.taxID"] = "91350100M000100Y44"
            typo.fields["number"] = "26110000000000000099"
            do {
                try journal.capture(typo, options: clerk)
            } catch {
                show("fapiao enqueue --json typo.json", "fapiao: \(error)   (exit 65)")
            }

            say(
                "4. The buyer's name was misspelt on one invoice: amend it. The clock moves on; nothing is overwritten."
            )
            let amended = try journal.amend(
                ids[1],
                changes: InvoiceInput(fields: ["buyer.name": "上海客户股份有限公司"]),
                options: clerk
            )
            show(
                "fapiao amend \(ids[1]) --buyer-name 上海客户股份有限公司",
                "amended \(amended.invoice.id.uuidString)  changed \(amended.changedFields.joined(separator: ", "))  clock \(amended.clock)"
            )

            say("5. One invoice was issued twice by mistake: void it, with a reason.")
            let voided = try journal.void(ids[2], reason: "issued twice", options: clerk)
            show(
                "fapiao void \(ids[2]) --reason \"issued twice\"",
                "voided \(voided.invoice.id.uuidString)  clock \(voided.clock)"
            )

            say("6. Everything waits in the outbox for the central system to come back.")
            emit(table(InvoicePresentation.tableHeader, try journal.invoices().map(InvoicePresentation.tableRow)))
            let status = try journal.status()
            emit("\n\(status.pendingOperations) operations queued for sync; \(status.auditEntries) audit entries.")

            say("7. The auditor checks that nobody edited history.")
            let verification = try journal.verifyAudit()
            show(
                "fapiao audit verify",
                verification.isIntact
                    ? "audit chain intact: \(verification.entriesChecked) entries, \(verification.operationsChecked) operations, \(verification.invoicesChecked) invoices checked"
                    : "audit verification failed: \(verification.problem ?? "")"
            )
            try journal.close()
            if keep {
                say("The journal is kept: try `fapiao list --journal \(path)` or `fapiao audit log --journal \(path)`.")
            }
            if !verification.isIntact { throw ExitCode(ExitStatus.damaged) }
        }
    }

    private func say(_ text: String) { emit("\n\(text)") }

    private func show(_ command: String, _ output: String) {
        emit("  $ \(command)")
        emit("  \(output)")
    }
}

/// Sample invoices for the demo, dated relative to today.
enum DemoInvoices {
    static func samples(today: CalendarDate) -> [InvoiceInput] {
        let seller = ["seller.name": "北京示例科技有限公司", "seller.taxID": "91350100M000100Y43"]
        func invoice(_ fields: [String: String]) -> InvoiceInput {
            InvoiceInput(fields: seller.merging(fields) { _, new in new })
        }
        return [
            invoice([
                "type": "digitalOrdinary", "number": "26110000000000000001",
                "issueDate": today.adding(days: -1).description,
                "buyer.name": "北京客户有限公司", "buyer.taxID": "91110000802100433B",
                "net": "520.75", "taxRate": "0.06", "tax": "31.25", "gross": "552.00",
            ]),
            invoice([
                "type": "digitalSpecial", "number": "26110000000000000002", "issueDate": today.description,
                "buyer.name": "上海客户股分有限公司", "buyer.taxID": "91350100M000100Y43",
                "net": "10000.00", "taxRate": "0.13", "tax": "1300.00", "gross": "11300.00",
            ]),
            invoice([
                "type": "special", "code": "1100201130", "number": "00012345", "issueDate": today.description,
                "buyer.name": "北京客户有限公司", "buyer.taxID": "91110000802100433B",
                "net": "880.00", "taxRate": "0.09", "tax": "79.20", "gross": "959.20",
            ]),
        ]
    }
}
