import Foundation

/// Durations as a person types them on the command line: `250ms`, `30s`, `5m`, `2h`, `7d`, or a
/// bare number of seconds.
///
/// Bounded before any arithmetic: the number is at most 9 digits and the result at most a week,
/// so no input can overflow (`--interval 99999999999999h` is refused, not a trap).
public enum DurationText {
    /// The longest duration accepted.
    public static let maximum: Duration = .seconds(7 * 24 * 3600)

    /// The duration `text` names, or `nil` when it is malformed, zero, negative or over ``maximum``.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, milliseconds: Int64)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        let unit = units.first { trimmed.hasSuffix($0.suffix) } ?? ("", 1000)
        let digits = trimmed.dropLast(unit.suffix.count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ ("0"..."9").contains($0) }),
            let value = Int64(digits), value > 0
        else { return nil }
        let (milliseconds, overflow) = value.multipliedReportingOverflow(by: unit.milliseconds)
        guard !overflow else { return nil }
        let duration = Duration.milliseconds(milliseconds)
        return duration <= maximum ? duration : nil
    }

    /// A setting's duration as it would be typed: `1h`, `90m`, `2d`, else whole seconds (`45s`).
    public static func setting(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds >= size && seconds % size == 0
        {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    /// `duration` for a person: `1.5s` under ten seconds, whole seconds above.
    public static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        let milliseconds = seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds < 10_000 {
            return "\(milliseconds / 1000).\(milliseconds % 1000 / 100)s"
        }
        return "\(milliseconds / 1000)s"
    }
}
