import FapiaoCentralStore
import Synchronization

/// Failures the central service injects into pushes, for tests and demos (DESIGN §7).
///
/// Two sources, consulted for each `POST /v1/push`: a queue of scripted faults, taken one per
/// push in order, and, when the queue is empty, a seeded random draw from the probabilities in
/// ``Settings`` (the same seed gives the same faults for the same sequence of pushes). Both can
/// be changed while the service runs, from any task.
///
/// ```swift
/// let plan = try FaultPlan(spec: "drop-reply=0.3,http503=0.1,retry-after=2,seed=7")
/// plan.script([.dropReply, .http503(retryAfter: 1)])  // the next two pushes, whatever the draw
/// ```
public final class FaultPlan: Sendable, CustomStringConvertible {
    /// One injected failure.
    public enum Fault: Hashable, Sendable, CustomStringConvertible {
        /// Close the connection without reading or processing the request.
        case refuse
        /// Wait this long, then process the push normally.
        case delay(Duration)
        /// Answer 500 without processing.
        case http500
        /// Answer 503 without processing, with `Retry-After` in seconds when given.
        case http503(retryAfter: Int?)
        /// Process the push (the store commits), then close the connection without replying,
        /// so the branch cannot know the batch landed.
        case dropReply
        /// Process only the first half of the batch (rounded down) and answer only those.
        case partial

        public var description: String {
            switch self {
            case .refuse: "refuse"
            case .delay(let duration): "delay=\(FaultPlan.Settings.format(duration))"
            case .http500: "http500"
            case .http503(let retryAfter): retryAfter.map { "http503 (retry-after \($0)s)" } ?? "http503"
            case .dropReply: "drop-reply"
            case .partial: "partial"
            }
        }
    }

    /// What happens to one push: an optional wait, then an optional fault.
    public struct Injection: Hashable, Sendable {
        /// How long to wait before doing anything else.
        public var delay: Duration?
        /// The failure to inject; never ``Fault/delay(_:)``, which is folded into ``delay``.
        public var fault: Fault?

        public init(delay: Duration? = nil, fault: Fault? = nil) {
            self.delay = delay
            self.fault = fault
        }
    }

    private struct State {
        var settings: Settings
        var generator: SplitMix64
        var script: [Fault] = []
    }

    private let state: Mutex<State>

    /// Creates a plan.
    ///
    /// - Parameter settings: the random faults; ``Settings/none`` injects nothing until scripted.
    public init(_ settings: Settings = .none) {
        state = Mutex(State(settings: settings, generator: SplitMix64(seed: settings.seed)))
    }

    /// Creates a plan from a specification such as
    /// `drop-reply=0.3,http503=0.1,retry-after=2,delay=200ms,partial=0.2,refuse=0.1,seed=7`.
    ///
    /// - Parameter spec: the specification; see ``Settings/init(spec:)``.
    /// - Throws: ``CentralServiceError`` `.invalidFaultSpec`.
    public convenience init(spec: String) throws(CentralServiceError) {
        self.init(try Settings(spec: spec))
    }

    /// The random faults in force.
    public var settings: Settings { state.withLock { $0.settings } }

    /// Replaces the random faults and restarts the random sequence from their seed.
    ///
    /// - Parameter settings: the new settings.
    public func update(_ settings: Settings) {
        state.withLock { state in
            state.settings = settings
            state.generator = SplitMix64(seed: settings.seed)
        }
    }

    /// Queues faults for the next pushes, one each, before any random draw.
    ///
    /// - Parameter faults: the faults, in the order the pushes will meet them.
    public func script(_ faults: [Fault]) {
        state.withLock { $0.script.append(contentsOf: faults) }
    }

    /// The scripted faults not yet used.
    public var pendingScript: [Fault] { state.withLock { $0.script } }

    /// Drops every scripted fault and every random one: the service behaves normally again.
    public func clear() {
        update(.none)
        state.withLock { $0.script.removeAll() }
    }

    /// Decides what happens to the next push, consuming a scripted fault or a random draw.
    ///
    /// - Returns: the injection; an empty one when the push should go through untouched.
    public func nextPush() -> Injection {
        state.withLock { state in
            var injection = Injection(delay: state.settings.delay)
            if !state.script.isEmpty {
                switch state.script.removeFirst() {
                case .delay(let duration): injection.delay = (injection.delay ?? .zero) + duration
                case let fault: injection.fault = fault
                }
                return injection
            }
            let settings = state.settings
            guard settings.hasRandomFaults else { return injection }
            let draw = Double(state.generator.next() >> 11) * 0x1p-53
            var threshold = 0.0
            for (probability, fault) in settings.weightedFaults {
                threshold += probability
                if draw < threshold {
                    injection.fault = fault
                    break
                }
            }
            return injection
        }
    }

    public var description: String {
        state.withLock { state in
            var text = state.settings.spec
            if !state.script.isEmpty {
                text += " + scripted [" + state.script.map(\.description).joined(separator: ", ") + "]"
            }
            return text
        }
    }
}

/// SplitMix64: small, fast and the same on every platform, so a seed reproduces a run.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
