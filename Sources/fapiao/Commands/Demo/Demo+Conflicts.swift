import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoSync
import Foundation

extension Demo {
    /// Steps 11–13: a central amend against a local correction, merged; a duplicate number
    /// from a second branch, resolved by a person.
    func conflictChapter(_ journal: Journal, centre: DemoCentre, directory: String) async throws -> Journal {
        say(
            "11. HQ corrects the buyer's name on the first invoice while, at the branch, the clerk adds a delivery note to it."
        )
        guard let first = try journal.invoices().first?.invoice else { throw ExitCode(ExitStatus.damaged) }
        let short = first.id.uuidText.prefix(8)
        let atHQ = try await centre.amend(first.id, ["buyer.name": "北京客户集团有限公司"], actor: "总部-李静")
        show(
            "fapiao-central amend \(short) buyer.name=北京客户集团有限公司 --as 总部-李静",
            "amended at the centre, clock \(atHQ.clock)"
        )
        let clerk = CaptureOptions(actor: "王芳", source: "demo")
        let local = try journal.amend(
            first.id.uuidText,
            changes: InvoiceInput(fields: ["note": "送货上门，周五前"]),
            options: clerk
        )
        show("fapiao amend \(short) --note 送货上门，周五前", "amended here, clock \(local.clock)")
        emit(
            "  Neither clock descends from the other: a conflict. Different fields changed, so the merge policy settles it."
        )
        let merged = try await sync(journal, centre: centre, node: "bj-chaoyang-01")
        show("fapiao sync", merged.line + "   (exit \(SyncCommandSupport.exitCode(for: merged)))")
        if let version = try await centre.version(first.id) {
            emit(
                "  HQ now holds buyer \(version.invoice.buyer.name) and note \(version.invoice.note ?? "-"), clock \(version.clock)"
            )
        }

        say("12. The Xicheng branch, also offline, typed number 26110000000000000002 for a different sale.")
        let xicheng = try Journal.create(
            at: directory + "/xicheng.sqlite",
            settings: JournalSettings(node: "bj-xicheng-02", operatorName: "赵磊"),
            actor: "赵磊"
        )
        let today = CalendarDate(shanghaiDateAt: JournalEnvironment.system().now())
        var clash = DemoInvoices.samples(today: today)[1]
        clash.fields["buyer.name"] = "天津客户有限公司"
        let captured = try xicheng.capture(clash, options: CaptureOptions(actor: "赵磊", source: "demo"))
        let clashing = try await sync(xicheng, centre: centre, node: "bj-xicheng-02")
        show(
            "fapiao sync --journal xicheng.sqlite",
            clashing.line + "   (exit \(SyncCommandSupport.exitCode(for: clashing)))"
        )
        let open = try xicheng.conflicts(includeResolved: false)
        show(
            "fapiao conflicts list --journal xicheng.sqlite",
            ConflictPresentation.listing(open, policies: try xicheng.resolverPolicies(), history: false)
                .replacingOccurrences(of: "\n", with: "\n  ")
        )
        emit(
            "  A legal number is never merged or overwritten: HQ still holds Chaoyang's invoice, and a person decides."
        )

        say(
            "13. The Xicheng manager checks the paper stub: their invoice is number 26110000000000000003. He resolves it."
        )
        var corrected = InvoiceInput(invoice: captured.invoice)
        corrected.fields["number"] = "26110000000000000003"
        let receipt = try xicheng.resolveConflict(
            captured.invoice.id.uuidText,
            choice: .merged,
            mergedInput: corrected,
            reason: "paper stub shows 26110000000000000003; typo at capture",
            actor: "赵磊"
        )
        show(
            "fapiao conflicts resolve \(receipt.conflictID.uuidText.prefix(8)) --take merged --json fixed.json --reason \"paper stub shows …03\"",
            "resolved: kept the merged version, clock \(receipt.resolution.clock)"
        )
        let resolved = try await sync(xicheng, centre: centre, node: "bj-xicheng-02")
        show("fapiao sync --journal xicheng.sqlite", resolved.line)
        show(
            "fapiao conflicts history --journal xicheng.sqlite",
            ConflictPresentation.listing(
                try xicheng.conflicts(includeResolved: true),
                policies: try xicheng.resolverPolicies(),
                history: true
            ).replacingOccurrences(of: "\n", with: "\n  ")
        )
        emit("  HQ holds \(try await centre.invoiceCount()) invoices; nothing was overwritten and nothing sent twice.")
        return xicheng
    }

    private func sync(_ journal: Journal, centre: DemoCentre, node: String) async throws -> SyncSummary {
        let remote = try centre.remote(for: node)
        return try await RemoteConnection.using(remote) {
            try await SyncEngine(
                journal: journal,
                remote: remote,
                options: SyncOptions(owner: LeaseOwner.current()),
                environment: SyncEnvironment(logger: DemoCentre.silent)
            ).run()
        }
    }
}
