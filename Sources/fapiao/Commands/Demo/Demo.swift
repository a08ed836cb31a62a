import ArgumentParser
import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore
import FapiaoHTTP
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation
import Logging

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Walk through an outage and the recovery, on a temporary journal and central service.",
        discussion: """
            Creates a throw-away branch journal and an in-process central service on 127.0.0.1. \
            The centre is down: invoices are captured, a typo is refused, one invoice is corrected \
            and one voided. The scheduled sync finds the centre unreachable and keeps everything. \
            The centre comes back on a flaky network (a lost reply, a 503): sync delivers every \
            invoice exactly once. Then conflicts: HQ and the clerk change the same invoice (merged \
            automatically), and a second branch types a number already taken (resolved by a \
            person, never overwritten). The auditor verifies both hash chains. Nothing outside the \
            temporary directory is touched.

            Examples:
              fapiao demo
              fapiao demo --keep      # keep the journal and the central store afterwards to explore them
            """
    )

    @Flag(help: "Keep the temporary journal and central store and print their paths.")
    var keep = false

    func run() async throws {
        try await reportingAsyncErrors {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("fapiao-demo-\(UUID().uuidText.prefix(8))").path
            let path = directory + "/journal.sqlite"
            defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }

            say("1. The central invoice system is down. The Chaoyang branch opens its journal.")
            let journal = try Journal.create(
                at: path,
                settings: JournalSettings(node: "bj-chaoyang-01", operatorName: "王芳"),
                actor: "王芳"
            )
            show(
                "fapiao init --node bj-chaoyang-01 --operator 王芳",
                "created journal \(path) (profile \(journal.settings.profile.name))"
            )
            let outage = try journal.startOutage(actor: "王芳")
            show(
                "fapiao outage start",
                "started \(OutageCommand.line(outage))\n  captures now belong to the outage; each gets an upload deadline "
                    + "from the profile (\(journal.settings.profile.uploadDeadline.description))"
            )
            try captureChapter(journal)

            let centre = try DemoCentre(directory: directory)
            try await syncChapter(journal, centre: centre)
            let xicheng = try await conflictChapter(journal, centre: centre, directory: directory)

            say(
                "14. The auditor checks, on both branches, that nobody edited history, and that each journal is "
                    + "still the one whose chain every sync anchored at the centre."
            )
            var intact = true
            for (name, branch) in [("journal.sqlite", journal), ("xicheng.sqlite", xicheng)] {
                let verification = try branch.verifyAudit()
                intact = intact && verification.isIntact
                let remote = try centre.remote(for: branch.settings.node)
                let anchored = try await AnchorComparison(journal: branch, remote: remote)
                await remote.shutdown()
                intact = intact && anchored.problem == nil
                show(
                    "fapiao audit verify --remote --journal \(name)",
                    verification.isIntact
                        ? "audit chain intact: \(verification.entriesChecked) entries, \(verification.operationsChecked) operations, \(verification.invoicesChecked) invoices checked\n  "
                            + (anchored.problem ?? anchored.line)
                        : "audit verification failed: \(verification.problem ?? "")"
                )
            }
            await centre.stop()
            try journal.close()
            try xicheng.close()
            if keep {
                say(
                    "Kept: try `fapiao list --journal \(path)`, `fapiao audit log --journal \(path)`, "
                        + "`fapiao conflicts history --journal \(directory)/xicheng.sqlite`, "
                        + "or `fapiao-central stats --store sqlite:\(centre.storePath)`."
                )
            }
            if !intact { throw ExitCode(ExitStatus.damaged) }
        }
    }

    /// Steps 2–6: capture, a refused typo, an amend and a void, all while the centre is down.
    private func captureChapter(_ journal: Journal) throws {
        let today = CalendarDate(shanghaiDateAt: JournalEnvironment.system().now())
        let clerk = CaptureOptions(actor: "王芳", source: "demo")
        say("2. The clerk types in the invoices the branch issues by hand. Each is on disk before its id is printed.")
        var ids: [String] = []
        for (index, sample) in DemoInvoices.samples(today: today).enumerated() {
            let receipt = try journal.capture(sample, options: clerk)
            ids.append(String(receipt.invoice.id.uuidText.prefix(8)))
            let deadline =
                journal.uploadDeadline(for: receipt)?.localText(in: journal.settings.profile.timeZone)
                ?? "when the outage ends"
            show(
                "fapiao enqueue --json invoice-\(index + 1).json",
                "captured \(receipt.invoice.id.uuidText)  number \(receipt.invoice.number)  gross \(receipt.invoice.gross)  "
                    + "pending  upload by \(deadline)"
            )
        }

        say("3. A typo in the seller's tax ID (last character) is caught by its check character; nothing is written.")
        var typo = DemoInvoices.samples(today: today)[0]
        typo.fields["seller.taxID"] = "91350100M000100Y44"
        typo.fields["number"] = "26110000000000000099"
        do {
            try journal.capture(typo, options: clerk)
        } catch {
            show("fapiao enqueue --json typo.json", "fapiao: \(error)   (exit 65)")
        }

        say("4. The buyer's name was misspelt on one invoice: amend it. The clock moves on; nothing is overwritten.")
        let amended = try journal.amend(
            ids[1],
            changes: InvoiceInput(fields: ["buyer.name": "上海客户股份有限公司"]),
            options: clerk
        )
        show(
            "fapiao amend \(ids[1]) --buyer-name 上海客户股份有限公司",
            "amended \(amended.invoice.id.uuidText)  changed \(amended.changedFields.joined(separator: ", "))  clock \(amended.clock)"
        )

        say(
            "5. Two invoices were issued twice by mistake. A 数电票 cannot be voided: the profile says so and points to a red invoice."
        )
        do {
            try journal.void(ids[1], reason: "issued twice", options: clerk)
        } catch {
            show("fapiao void \(ids[1]) --reason \"issued twice\"", "fapiao: \(error)   (exit 65)")
        }
        emit("  So a red invoice (红字发票) reverses it in full, with the platform's 20-digit confirmation number;")
        emit("  it waits in the outbox until HQ has accepted the original:")
        let original = try journal.invoice(ids[1]).invoice
        let red = try journal.capture(
            InvoiceInput.red(
                reversing: original,
                number: "26110000000000000101",
                code: nil,
                issueDate: today,
                reason: "开票有误",
                confirmation: "11010026120000000001",
                amounts: nil
            ),
            options: CaptureOptions(actor: "王芳", source: "red")
        )
        show(
            "fapiao red \(ids[1]) --number 26110000000000000101 --reason 开票有误 --confirmation 11010026120000000001",
            "captured red \(red.invoice.id.uuidText)  number \(red.invoice.number)  gross \(red.invoice.gross)  "
                + "reverses \(original.number) (开票有误)  pending"
        )
        emit("  The paper special invoice was issued this month, so it may be voided, with a reason:")
        let voided = try journal.void(ids[2], reason: "issued twice", options: clerk)
        show(
            "fapiao void \(ids[2]) --reason \"issued twice\"",
            "voided \(voided.invoice.id.uuidText)  clock \(voided.clock)"
        )

        say("6. Everything waits in the outbox for the central system to come back.")
        emit(table(InvoicePresentation.tableHeader, try journal.invoices().map(InvoicePresentation.tableRow)))
        let status = try journal.status()
        emit("\n\(status.pendingOperations) operations queued for sync; \(status.auditEntries) audit entries.")
    }

    /// Steps 7–10: sync against a centre that is down, then back on a flaky network.
    private func syncChapter(_ journal: Journal, centre: DemoCentre) async throws {
        say("7. The scheduled sync job runs every minute. HQ is still down: it says so and keeps everything queued.")
        let downRemote = try centre.remote()
        var retry = RetryPolicy(initialDelay: .milliseconds(50), maximumConsecutiveFailures: 2)
        retry.maximumDelay = .milliseconds(200)
        let down = try await SyncEngine(
            journal: journal,
            remote: downRemote,
            options: SyncOptions(batchSize: 2, retry: retry, owner: LeaseOwner.current()),
            environment: SyncEnvironment(logger: DemoCentre.silent)
        ).run()
        await downRemote.shutdown()
        show(
            "fapiao sync",
            "\(down.line)\n  fapiao: \(SyncCommandSupport.stopMessage(down.stop ?? SyncStop(.remoteUnavailable, "?"), remote: centre.url))   (exit \(SyncCommandSupport.exitCode(for: down)))"
        )
        emit("  still queued: \(try journal.status().pendingOperations) operations, nothing marked sent")

        say(
            "8. HQ is back, on a flaky network: it stores the first batch but the reply is lost, then it answers 503 once."
        )
        try await centre.start(faults: [.dropReply, .http503(retryAfter: 1)])
        let remote = try centre.remote()
        let summary = try await SyncEngine(
            journal: journal,
            remote: remote,
            options: SyncOptions(
                batchSize: 2,
                retry: RetryPolicy(initialDelay: .milliseconds(100)),
                owner: LeaseOwner.current()
            ),
            environment: SyncEnvironment(logger: DemoCentre.silent)
        ).run()
        show("fapiao sync --batch 2", summary.line + "   (exit \(SyncCommandSupport.exitCode(for: summary)))")
        emit("  The batch whose reply was lost was in doubt; it was sent again with the same operation ids,")
        emit(
            "  HQ answered \"duplicate\" for them, and it holds \(try await centre.invoiceCount()) invoices, each exactly once."
        )

        say("9. The next run sends the red invoice, now that HQ holds its original; nothing reaches HQ twice.")
        let again = try await SyncEngine(
            journal: journal,
            remote: remote,
            options: SyncOptions(owner: LeaseOwner.current()),
            environment: SyncEnvironment(logger: DemoCentre.silent)
        ).run()
        await remote.shutdown()
        show("fapiao sync", again.line)
        if let ended = try journal.endOutage(actor: "王芳") {
            show(
                "fapiao outage end",
                "ended \(OutageCommand.line(ended))\n  every invoice reached HQ before its upload deadline: `fapiao status --check` owes nothing"
            )
        }

        say("10. The first invoice's history, as the auditor reads it (vector clock beside each step):")
        let first = try journal.invoices().first?.invoice.id ?? UUID()
        for entry in try journal.auditEntries(invoiceID: first) {
            emit(
                "  #\(entry.sequence)  \(entry.event.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(entry.clock)  by \(entry.actor)"
            )
        }
    }

    func say(_ text: String) { emit("\n\(text)") }

    func show(_ command: String, _ output: String) {
        emit("  $ \(command)")
        emit("  \(output)")
    }
}
