import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct NumbersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "numbers",
        abstract: "Check that invoice numbers are continuous (编号是否连续): gaps, duplicates, dates out of order.",
        discussion: """
            Per series (`fapiao series`), and per type and code for numbers no series covers: \
            numbers used, voided and red, the highest, the gaps (numbers skipped below the highest \
            and not explained), duplicates, and issue dates earlier than the number before. A voided \
            number stays used. Exit 1 when a series has an unexplained gap or a duplicate.

            Examples:
              fapiao numbers
              fapiao numbers --month 2026-11 --format json
              fapiao numbers explain 011002600111:00000004-00000006 --reason "卷式发票打印损坏"
            """,
        subcommands: [NumbersReport.self, NumbersExplain.self],
        defaultSubcommand: NumbersReport.self
    )
}

struct NumbersReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report gaps, duplicates and dates out of order per series (the default).",
        discussion: """
            Examples:
              fapiao numbers report --month 2026-11
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Only numbers issued in this month, YYYY-MM.", valueName: "month"))
    var month: String?
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        if let month, month.utf8.count != 7 || CalendarDate(parsing: month + "-01") == nil {
            throw ValidationError("--month must be written YYYY-MM, such as 2026-11.")
        }
    }

    func run() throws {
        let attention = try reportingErrors {
            let reports = try journalOptions.open().numberReports(month: month)
            switch format {
            case .json: emit(CanonicalJSON.array(reports.map(NumberPresentation.json)).text)
            case .text:
                if reports.isEmpty { emit("no invoice numbers\(month.map { " issued in \($0)" } ?? "")") }
                reports.flatMap(NumberPresentation.lines).forEach(emit)
            }
            return reports.contains { $0.series != nil && ($0.gapCount > 0 || !$0.duplicates.isEmpty) }
        }
        if attention { throw ExitCode(ExitStatus.attention) }
    }
}

struct NumbersExplain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Record why a range of numbers was skipped (audited); it is no longer a gap.",
        discussion: """
            RANGE is FIRST-LAST or one number, after CODE: for a legacy series.

            Examples:
              fapiao numbers explain 011002600111:00000004-00000006 --reason "卷式发票打印损坏"
              fapiao numbers explain 26110000000000000007 --reason "开票时断电, 号码作废"
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The skipped numbers.", valueName: "range"))
    var range: String
    @Option(help: ArgumentHelp("Why they were skipped (kept in the audit).", valueName: "text"))
    var reason: String

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let explanation = try journal.explainNumbers(range, reason: reason, actor: actorOptions.actor(for: journal))
            emit(
                "explained \(explanation.code.isEmpty ? "" : explanation.code + ":")\(explanation.first)-\(explanation.last): \(explanation.reason)"
            )
        }
    }
}
