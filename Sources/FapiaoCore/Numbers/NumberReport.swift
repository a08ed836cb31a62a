import Foundation

/// What a series of invoice numbers shows (编号是否连续).
///
/// Used, voided and red numbers, the highest, the gaps (numbers skipped below the highest and
/// not explained), duplicates and issue dates out of number order. Pure: the journal, or HQ
/// across branches, supplies the numbers.
public struct NumberReport: Hashable, Sendable {
    /// One invoice number in use.
    public struct Use: Hashable, Sendable {
        public var invoiceID: UUID
        public var type: InvoiceType
        public var code: String
        public var number: String
        public var issueDate: CalendarDate
        public var voided: Bool
        public var red: Bool
        /// The branch that captured it (HQ's reports span branches).
        public var branch: String

        public init(
            invoiceID: UUID,
            type: InvoiceType,
            code: String,
            number: String,
            issueDate: CalendarDate,
            voided: Bool = false,
            red: Bool = false,
            branch: String = ""
        ) {
            self.invoiceID = invoiceID
            self.type = type
            self.code = code
            self.number = number
            self.issueDate = issueDate
            self.voided = voided
            self.red = red
            self.branch = branch
        }
    }

    /// A run of numbers.
    public struct Range: Hashable, Sendable {
        public var first: String
        public var last: String
        public var count: Int

        public var text: String { first == last ? first : "\(first)-\(last)" }
    }

    /// A number used more than once.
    public struct Duplicate: Hashable, Sendable {
        public var number: String
        public var uses: [Use]
    }

    /// A number issued on an earlier date than the number before it.
    public struct OutOfOrder: Hashable, Sendable {
        public var number: String
        public var issueDate: CalendarDate
        public var previousNumber: String
        public var previousDate: CalendarDate
    }

    /// The series reported on; `nil` for numbers of a type and code no series covers.
    public var series: NumberSeries?
    public var type: InvoiceType
    public var code: String
    public var used: Int
    public var voided: Int
    public var red: Int
    public var highest: String?
    public var gaps: [Range]
    public var explained: [Range]
    public var duplicates: [Duplicate]
    public var outOfOrder: [OutOfOrder]

    /// The number of skipped, unexplained numbers.
    public var gapCount: Int { gaps.reduce(0) { $0 + $1.count } }

    /// Reports per series, and per type and code for numbers no series covers.
    ///
    /// - Parameters:
    ///   - series: the series assigned.
    ///   - uses: every number in use.
    ///   - explanations: ranges skipped on purpose.
    ///   - month: only numbers issued in this month (`YYYY-MM`), when given; gaps then lie between
    ///     the month's lowest and highest numbers.
    /// - Returns: one report per series (in the order given), then one per uncovered type and code.
    public static func reports(
        series: [NumberSeries],
        uses: [Use],
        explanations: [NumberExplanation],
        month: String? = nil
    ) -> [NumberReport] {
        let inMonth = month.map { month in uses.filter { $0.issueDate.monthText == month } } ?? uses
        var remaining = inMonth
        var reports: [NumberReport] = []
        for one in series {
            let mine = remaining.filter { one.contains(type: $0.type, code: $0.code, number: $0.number) }
            remaining.removeAll { one.contains(type: $0.type, code: $0.code, number: $0.number) }
            reports.append(
                report(
                    series: one,
                    type: one.type,
                    code: one.code,
                    uses: mine,
                    start: month == nil ? one.first : nil,
                    explanations: explanations
                )
            )
        }
        let uncovered = Dictionary(grouping: remaining) { "\($0.type.rawValue)|\($0.code)" }
        for key in uncovered.keys.sorted() {
            guard let group = uncovered[key], let first = group.first else { continue }
            reports.append(
                report(
                    series: nil,
                    type: first.type,
                    code: first.code,
                    uses: group,
                    start: nil,
                    explanations: explanations
                )
            )
        }
        return reports
    }

    private static func report(
        series: NumberSeries?,
        type: InvoiceType,
        code: String,
        uses: [Use],
        start: String?,
        explanations: [NumberExplanation]
    ) -> NumberReport {
        struct Valued {
            var value: NumberValue
            var use: Use
        }
        var valued: [Valued] = []
        for use in uses {
            if let value = NumberValue(use.number) { valued.append(Valued(value: value, use: use)) }
        }
        valued.sort { (a: Valued, b: Valued) -> Bool in
            a.value == b.value ? a.use.issueDate < b.use.issueDate : a.value < b.value
        }
        let width = series?.first.utf8.count ?? uses.first?.number.utf8.count ?? 8
        var duplicates: [Duplicate] = []
        var outOfOrder: [OutOfOrder] = []
        var distinct: [NumberValue] = []
        var index = 0
        while index < valued.count {
            var end = index + 1
            while end < valued.count, valued[end].value == valued[index].value { end += 1 }
            if end - index > 1 {
                duplicates.append(Duplicate(number: valued[index].use.number, uses: valued[index..<end].map { $0.use }))
            }
            if let previous = index > 0 ? valued[index - 1] : nil, valued[index].use.issueDate < previous.use.issueDate
            {
                outOfOrder.append(
                    OutOfOrder(
                        number: valued[index].use.number,
                        issueDate: valued[index].use.issueDate,
                        previousNumber: previous.use.number,
                        previousDate: previous.use.issueDate
                    )
                )
            }
            distinct.append(valued[index].value)
            index = end
        }
        let explainedRanges = explanations.filter { $0.code == code }.compactMap { explanation in
            NumberValue(explanation.first).flatMap { low in NumberValue(explanation.last).map { (low, $0) } }
        }
        var gaps: [Range] = []
        var explained: [Range] = []
        if let lowest = distinct.first {
            var expected = start.flatMap(NumberValue.init) ?? lowest
            for value in distinct where value >= expected {
                if value > expected {
                    split(
                        from: expected.value,
                        to: value.value - 1,
                        width: width,
                        explained: explainedRanges,
                        gaps: &gaps,
                        explainedOut: &explained
                    )
                }
                expected = NumberValue(value: value.value + 1)
            }
        }
        return NumberReport(
            series: series,
            type: type,
            code: code,
            used: uses.count,
            voided: uses.filter(\.voided).count,
            red: uses.filter(\.red).count,
            highest: distinct.last?.digits(width: width),
            gaps: gaps,
            explained: explained,
            duplicates: duplicates,
            outOfOrder: outOfOrder
        )
    }

    /// Splits the skipped run `from...to` into its explained and unexplained parts.
    private static func split(
        from: UInt128,
        to: UInt128,
        width: Int,
        explained ranges: [(NumberValue, NumberValue)],
        gaps: inout [Range],
        explainedOut: inout [Range]
    ) {
        var cursor = from
        let covering = ranges.filter { $0.0.value <= to && $0.1.value >= from }.sorted { $0.0 < $1.0 }
        func add(_ low: UInt128, _ high: UInt128, into list: inout [Range]) {
            guard low <= high else { return }
            list.append(
                Range(
                    first: NumberValue(value: low).digits(width: width),
                    last: NumberValue(value: high).digits(width: width),
                    count: Int(clamping: high - low + 1)
                )
            )
        }
        for (low, high) in covering {
            let start = max(low.value, from)
            let end = min(high.value, to)
            if start > cursor { add(cursor, start - 1, into: &gaps) }
            if end >= cursor { add(max(start, cursor), end, into: &explainedOut) }
            if end >= cursor { cursor = end + 1 }
            if cursor > to { return }
        }
        add(cursor, to, into: &gaps)
    }
}

extension NumberReport.Use {
    /// The number `invoice` uses, with its branch.
    public init(_ invoice: Invoice) {
        self.init(
            invoiceID: invoice.id,
            type: invoice.type,
            code: invoice.code ?? "",
            number: invoice.number,
            issueDate: invoice.issueDate,
            voided: invoice.void != nil,
            red: invoice.kind == .red,
            branch: invoice.branch
        )
    }
}
