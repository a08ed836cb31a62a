import FapiaoCentralStore
import Foundation

extension FaultPlan {
    /// The random faults: a probability per push for each kind, at most one fault per push.
    public struct Settings: Hashable, Sendable {
        /// Probability of ``Fault/refuse``.
        public var refuse: Double
        /// Probability of ``Fault/http500``.
        public var http500: Double
        /// Probability of ``Fault/http503(retryAfter:)``.
        public var http503: Double
        /// Probability of ``Fault/partial``.
        public var partial: Double
        /// Probability of ``Fault/dropReply``.
        public var dropReply: Double
        /// The `Retry-After` seconds a random 503 carries; `nil` for none.
        public var retryAfter: Int?
        /// A wait before every push is processed.
        public var delay: Duration?
        /// The seed of the random draws.
        public var seed: UInt64

        public init(
            refuse: Double = 0,
            http500: Double = 0,
            http503: Double = 0,
            partial: Double = 0,
            dropReply: Double = 0,
            retryAfter: Int? = 1,
            delay: Duration? = nil,
            seed: UInt64 = 0
        ) {
            self.refuse = refuse
            self.http500 = http500
            self.http503 = http503
            self.partial = partial
            self.dropReply = dropReply
            self.retryAfter = retryAfter
            self.delay = delay
            self.seed = seed
        }

        /// No faults at all.
        public static let none = Settings()

        /// Reads a specification: comma-separated `key=value` pairs.
        ///
        /// Keys: `refuse`, `http500`, `http503`, `partial`, `drop-reply` (probabilities from 0
        /// to 1, together at most 1), `retry-after` (whole seconds, for random 503s),
        /// `delay` (`200ms`, `2s`, `1.5s`: a wait before every push) and `seed` (an unsigned
        /// integer). An empty specification or `none` means no faults.
        ///
        /// - Parameter spec: the specification.
        /// - Throws: ``CentralServiceError`` `.invalidFaultSpec`, naming the offending pair.
        public init(spec: String) throws(CentralServiceError) {
            self.init()
            let trimmed = spec.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed == "none" { return }
            var seen: Set<String> = []
            for pair in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw Self.invalid("\"\(pair)\" is not key=value")
                }
                let (key, value) = (parts[0], parts[1])
                guard seen.insert(key).inserted else { throw Self.invalid("\(key) is given twice") }
                switch key {
                case "refuse": refuse = try Self.probability(key, value)
                case "http500": http500 = try Self.probability(key, value)
                case "http503": http503 = try Self.probability(key, value)
                case "partial": partial = try Self.probability(key, value)
                case "drop-reply": dropReply = try Self.probability(key, value)
                case "retry-after":
                    let text = value.hasSuffix("s") ? String(value.dropLast()) : value
                    guard let seconds = Int(text), seconds >= 0 else {
                        throw Self.invalid("retry-after must be whole seconds such as 2, not \"\(value)\"")
                    }
                    retryAfter = seconds
                case "delay": delay = try Self.duration(key, value)
                case "seed":
                    guard let number = UInt64(value) else {
                        throw Self.invalid("seed must be an unsigned integer, not \"\(value)\"")
                    }
                    seed = number
                default:
                    throw Self.invalid(
                        "\(key) is not a fault; use refuse, http500, http503, partial, drop-reply, retry-after, delay or seed"
                    )
                }
            }
            let total = weightedFaults.reduce(0) { $0 + $1.probability }
            guard total <= 1 + 1e-9 else {
                throw Self.invalid("the probabilities add up to \(total), more than 1")
            }
        }

        /// Whether any random fault may be drawn.
        public var hasRandomFaults: Bool { weightedFaults.contains { $0.probability > 0 } }

        /// The faults with their probabilities, in the order a draw walks them.
        var weightedFaults: [(probability: Double, fault: Fault)] {
            [
                (refuse, .refuse), (http500, .http500), (http503, .http503(retryAfter: retryAfter)),
                (partial, .partial), (dropReply, .dropReply),
            ]
        }

        /// The settings as a specification that ``init(spec:)`` reads back.
        public var spec: String {
            var pairs: [String] = []
            for (key, probability) in [
                ("refuse", refuse), ("http500", http500), ("http503", http503), ("partial", partial),
                ("drop-reply", dropReply),
            ] where probability > 0 {
                pairs.append("\(key)=\(probability)")
            }
            if http503 > 0, let retryAfter { pairs.append("retry-after=\(retryAfter)") }
            if let delay { pairs.append("delay=\(Self.format(delay))") }
            if hasRandomFaults { pairs.append("seed=\(seed)") }
            return pairs.isEmpty ? "none" : pairs.joined(separator: ",")
        }

        static func format(_ duration: Duration) -> String {
            let milliseconds =
                duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
            return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
        }

        private static func probability(_ key: String, _ value: String) throws(CentralServiceError) -> Double {
            guard let number = Double(value), number.isFinite, (0...1).contains(number) else {
                throw invalid("\(key) must be a probability from 0 to 1 such as 0.2, not \"\(value)\"")
            }
            return number
        }

        private static func duration(_ key: String, _ value: String) throws(CentralServiceError) -> Duration {
            let (number, scale): (String, Double) =
                if value.hasSuffix("ms") {
                    (String(value.dropLast(2)), 0.001)
                } else if value.hasSuffix("s") {
                    (String(value.dropLast()), 1)
                } else {
                    ("", 0)
                }
            guard let amount = Double(number), amount.isFinite, amount >= 0, amount * scale <= 3600 else {
                throw invalid("\(key) must be a duration such as 200ms or 2s, not \"\(value)\"")
            }
            return .milliseconds(Int64((amount * scale * 1000).rounded()))
        }

        private static func invalid(_ detail: String) -> CentralServiceError {
            CentralServiceError(.invalidFaultSpec, "The fault specification is not valid: \(detail).")
        }
    }
}
