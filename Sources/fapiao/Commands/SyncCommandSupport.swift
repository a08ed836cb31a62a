import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoSync
import Foundation

/// What `sync` and its dry run share: durations, exit codes, stop sentences, the JSON summary.
enum SyncCommandSupport {
    /// `30s`, `5m`, `1h`, `500ms`, or plain seconds.
    static func parseDuration(_ text: String) -> Duration? {
        DurationText.parse(text)
    }

    static func describe(_ duration: Duration) -> String {
        DurationText.describe(duration)
    }

    /// The actor of outages sync opens and ends itself.
    static let outageActor = "sync"

    static func exitCode(for summary: SyncSummary) -> Int32 {
        if let category = summary.stop?.category { return ExitStatus.code(for: category) }
        // The invoices went, but the remote refused the audit chain in a way retrying cannot
        // cure: a scheduled job must not read that as done.
        if let category = summary.anchor.refusal { return ExitStatus.code(for: category) }
        return summary.tally.quarantined + summary.openConflicts > 0 ? ExitStatus.attention : 0
    }

    static func stopMessage(_ stop: SyncStop, remote: String) -> String {
        var detail = stop.message
        while detail.hasSuffix(".") { detail.removeLast() }
        return switch stop.kind {
        case .remoteUnavailable:
            "Remote unreachable: \(detail). Everything stays queued; run sync again later."
        case .authenticationRefused:
            "Token refused: \(detail). Check the token file or $FAPIAO_TOKEN."
        case .forbidden:
            "Push refused: \(detail). Is this journal using another branch's token?"
        case .protocolViolation:
            "The remote broke the protocol: \(detail). Nothing was lost; report it to whoever runs \(remote)."
        case .chainBreak:
            "Chain break: \(detail). Nothing was lost; everything stays queued until HQ acknowledges it."
        default:
            stop.message
        }
    }

    static func json(_ summary: SyncSummary) -> CanonicalJSON {
        .object([
            "sent": .integer(Int64(summary.sent)),
            "requests": .integer(Int64(summary.requests)),
            "accepted": .integer(Int64(summary.tally.accepted)),
            "duplicates": .integer(Int64(summary.tally.duplicates)),
            "stale": .integer(Int64(summary.tally.stale)),
            "conflicts": .integer(Int64(summary.tally.conflicts)),
            "quarantined": .integer(Int64(summary.tally.quarantined)),
            "inDoubt": .integer(Int64(summary.tally.inDoubt)),
            "remaining": .integer(Int64(summary.remaining)),
            "blocked": .integer(Int64(summary.blocked)),
            "pulled": .integer(Int64(summary.pulled.applied)),
            "pullConflicts": .integer(Int64(summary.pulled.conflicts)),
            "resolved": .integer(Int64(summary.resolved)),
            "openConflicts": .integer(Int64(summary.openConflicts)),
            "anchor": .object([
                "shipped": .integer(Int64(summary.anchor.shipped)),
                "head": summary.anchor.head?.canonicalJSON ?? .null,
                "note": .optional(summary.anchor.note),
                "refused": .bool(summary.anchor.refusal != nil),
            ]),
            "stopped": summary.stop.map {
                .object(["kind": .string($0.kind.description), "message": .string($0.message)])
            }
                ?? .null,
        ])
    }
}
