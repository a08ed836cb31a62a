/// The one rule for when a branch's notice is sent: DESIGN §7's "each event once, never a storm".
///
/// A reason is sent when it first appears, again only once `resendAfter` has passed since it was
/// last sent while it lasts, and forgotten when it goes (so it is new again if it comes back). An
/// event is sent when it happens. Pure, so `sync --watch`, `status --check` from cron and the
/// tests all decide alike.
public enum NoticeSchedule {
    /// A notice to send now, with the record it leaves once sent.
    public struct Due: Hashable, Sendable {
        public var notice: BranchNotice
        public var record: NoticeRecord
    }

    /// The decision for one look at the branch.
    public struct Decision: Hashable, Sendable {
        /// What to send now.
        public var send: [Due]
        /// The records of reasons that are gone.
        public var forget: [String]
    }

    /// - Parameters:
    ///   - present: the reasons present now, and any events that just happened.
    ///   - sent: what was sent before, by key.
    ///   - now: the branch's clock.
    ///   - resendAfter: milliseconds a lasting reason stays quiet after it was sent.
    /// - Returns: what to send now and which records to forget.
    public static func decide(
        present: [BranchNotice],
        sent: [String: NoticeRecord],
        now: UTCTimestamp,
        resendAfterMilliseconds resendAfter: Int64
    ) -> Decision {
        var send: [Due] = []
        var seen = Set<String>()
        for notice in present where seen.insert(notice.key).inserted {
            guard let previous = sent[notice.key] else {
                send.append(
                    Due(notice: notice, record: NoticeRecord(key: notice.key, firstSent: now, lastSent: now, times: 1))
                )
                continue
            }
            // An event's key names its moment, so the same event is never sent twice.
            guard !notice.isEvent else { continue }
            if now.millisecondsSinceEpoch - previous.lastSent.millisecondsSinceEpoch >= resendAfter {
                var record = previous
                record.lastSent = now
                record.times += 1
                send.append(Due(notice: notice, record: record))
            }
        }
        // Events are remembered until the next look, which no longer reports them.
        let forget = sent.keys.filter { !seen.contains($0) }.sorted()
        return Decision(send: send, forget: forget)
    }
}
