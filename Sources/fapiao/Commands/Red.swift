import ArgumentParser
import FapiaoCore
import FapiaoJournal
import Foundation

struct Red: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "red",
        abstract: "Issue a red invoice (红字发票) reversing an invoice in this journal, in full or in part.",
        discussion: """
            The red invoice takes the original's type, seller, buyer and rate and names it. Without \
            amounts it reverses the original in full (its lines negated); with --net, --tax and \
            --gross (negative, as printed) it reverses part of it. The reason is one of the \
            profile's (开票有误 issued in error, which must reverse in full; 销货退回 goods returned; \
            服务中止 service stopped; 销售折让 discount); the confirmation is the red confirmation \
            number the profile asks for (红字确认单, 20 digits, or 红字信息表, 16 digits). All red \
            invoices against one original never exceed it (per line, and in total); a voided or red \
            invoice cannot be reversed. Its operation waits in the outbox until the remote has \
            accepted the original. An original issued elsewhere: `fapiao enqueue --json` with \
            "kind":"red", originalNumber, originalCode, originalIssueDate, originalNet, originalTax, \
            originalGross, redReason and redConfirmation. Exit 65 when a rule is broken (nothing written).

            Examples:
              fapiao red 26110000000000000001 --number 26110000000000000101 --reason 开票有误 \\
                  --confirmation 11010026110000000001
              fapiao red 3f2a --number 26110000000000000102 --reason 销售折让 \\
                  --confirmation 11010026110000000002 --net -100.00 --tax -6.00 --gross -106.00
              fapiao red 00012345 --code 011002600111 --number 00012399 --reason 销货退回 \\
                  --confirmation 1100202611000001
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The original: its id, id prefix or number.", valueName: "original"))
    var original: String
    @Option(help: ArgumentHelp("The red invoice's own number.", valueName: "number"))
    var number: String
    @Option(help: ArgumentHelp("The red invoice's own 发票代码 (legacy types).", valueName: "code"))
    var code: String?
    @Option(
        name: .customLong("date"),
        help: ArgumentHelp("Its issue date, YYYY-MM-DD (default today).", valueName: "date")
    )
    var issueDate: String?
    @Option(help: ArgumentHelp("Why: 开票有误, 销货退回, 服务中止 or 销售折让 (the profile's reasons).", valueName: "reason"))
    var reason: String
    @Option(help: ArgumentHelp("The red confirmation number (红字确认单 20 digits, 红字信息表 16 digits).", valueName: "digits"))
    var confirmation: String?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Net reversed, negative (partial reversal).", valueName: "yuan")
    )
    var net: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Tax reversed, negative.", valueName: "yuan"))
    var tax: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Gross reversed, negative.", valueName: "yuan"))
    var gross: String?
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        let given = [net, tax, gross].compactMap { $0 }
        guard given.isEmpty || given.count == 3 else {
            throw ValidationError(
                "Give --net, --tax and --gross together for a partial reversal, or none to reverse in full."
            )
        }
    }

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let record = try journal.invoice(original)
            let today = journal.today
            let amounts = net.flatMap { net in tax.flatMap { tax in gross.map { (net: net, tax: tax, gross: $0) } } }
            let input = InvoiceInput.red(
                reversing: record.invoice,
                number: number,
                code: code,
                issueDate: issueDate.flatMap(CalendarDate.init(parsing:)) ?? today,
                reason: reason,
                confirmation: confirmation,
                amounts: amounts
            )
            var checked = input
            if let issueDate, CalendarDate(parsing: issueDate) == nil { checked.fields["issueDate"] = issueDate }
            let receipt = try journal.capture(
                checked,
                options: CaptureOptions(actor: actorOptions.actor(for: journal), source: "red")
            )
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "id": .string(receipt.invoice.id.uuidText),
                        "operationID": .string(receipt.operationID.uuidText),
                        "original": .string(record.invoice.id.uuidText),
                        "gross": .string(receipt.invoice.gross.decimalText),
                    ]).text
                )
            case .text:
                emit(
                    "captured red \(receipt.invoice.id.uuidText)  number \(receipt.invoice.number)  "
                        + "gross \(receipt.invoice.gross)  reverses \(record.invoice.number) (\(reason))  pending"
                )
            }
            for warning in receipt.warnings { printNote("warning: \(warning)") }
        }
    }
}
