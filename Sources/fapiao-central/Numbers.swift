import ArgumentParser
import FapiaoCentralStore
import FapiaoCommandSupport
import FapiaoCore

/// `fapiao-central numbers`: the number report across every branch.
struct Numbers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "numbers",
        abstract: "Check invoice numbers across every branch: duplicates, gaps, dates out of order.",
        discussion: """
            Per type and code, over the invoices every branch pushed: numbers used, voided and red, \
            the highest, the gaps between the lowest and the highest (a series spread over branches), \
            duplicates (a number two branches used, each named with its branch) and issue dates \
            earlier than the number before. Exit 1 when there is a gap or a duplicate.

            Examples:
              fapiao-central numbers --store sqlite:/srv/fapiao/central.sqlite
              fapiao-central numbers --store sqlite:central.sqlite --month 2026-11 --format json
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @Option(help: ArgumentHelp("Only numbers issued in this month, YYYY-MM.", valueName: "month"))
    var month: String?
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        if let month, month.utf8.count != 7 || CalendarDate(parsing: month + "-01") == nil {
            throw ValidationError("--month must be written YYYY-MM, such as 2026-11.")
        }
    }

    func run() async throws {
        let attention = try await reportingErrors {
            let store = try await storeOptions.open(create: false)
            let uses: [NumberReport.Use]
            do {
                uses = try await store.numberUses()
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            let reports = NumberReport.reports(series: [], uses: uses, explanations: [], month: month)
            switch format {
            case .json: emit(CanonicalJSON.array(reports.map(NumberPresentation.json)).text)
            case .text:
                if reports.isEmpty { emit("no invoice numbers\(month.map { " issued in \($0)" } ?? "")") }
                reports.flatMap(NumberPresentation.lines).forEach(emit)
            }
            return reports.contains { $0.gapCount > 0 || !$0.duplicates.isEmpty }
        }
        if attention { throw ExitCode(ExitCodes.attention) }
    }
}
