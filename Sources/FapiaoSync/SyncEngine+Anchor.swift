import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import Foundation

/// What anchoring the audit chain did in one run (DESIGN §6, anchored at the centre).
public struct AnchorSummary: Hashable, Sendable {
    /// Entries the centre took in this run.
    public var shipped = 0
    /// The centre's head of the branch's chain after the run.
    public var head: ChainPosition?
    /// Why the chain was not anchored in this run (a remote that does not anchor, a failure
    /// that the next run retries, a refusal), or `nil`.
    public var note: String?
    /// What the remote's refusal of the chain means, when retrying cannot cure it.
    ///
    /// A shipment refused as malformed (a bug on one side), a token refused. `nil` for a remote that is away
    /// or busy (the next run retries) and for one that does not anchor at all (exec protocol 1).
    /// `fapiao sync` then exits with this category's code although the invoices went.
    public var refusal: ErrorCategory?

    public init() {}
}

extension SyncEngine {
    /// Entries sent in one anchoring request: as many as the centre takes in one
    /// (``AuditAnchoring/maximumEntriesPerShipment``).
    ///
    /// Each request is a durable transaction at the centre, in turn with the pushes for its
    /// write lock, so fewer and larger requests leave more of it to the pushes; a larger page
    /// is refused by every remote (the central service's wire and ``StoreRemote`` alike).
    static let anchorPage = AuditAnchoring.maximumEntriesPerShipment

    /// Ships the audit entries the remote has not anchored yet, with the branch's report.
    ///
    /// The remote decides: entries that continue its copy are appended; a journal whose entry
    /// at the remote's head differs, or that has no such entry, is a chain break, which stops
    /// the run. A remote that does not anchor (exec protocol 1) or fails now is noted, and the
    /// next run tries again.
    ///
    /// - Parameters:
    ///   - summary: the run's summary, which gets the entries shipped and the centre's head.
    ///   - firstPageOnly: stop after one page, the rest being anchored alongside the pushes
    ///     (``anchorAlongside(from:report:)``): a chain break shows on the first page.
    /// - Returns: the stop for a chain break, else `nil`.
    /// - Throws: the journal's errors; the remote's are a note or a stop.
    func anchorAudit(into summary: inout SyncSummary, firstPageOnly: Bool = false) async throws -> SyncStop? {
        let branch = journal.settings.node
        lastAnchoring = nil
        do {
            var state = try await remote.anchorState(branch: branch)
            if let found = state.unacknowledgedBreak {
                summary.anchor.head = state.head
                return SyncStop(.chainBreak, found.sentence(branch: branch))
            }
            // Read once per anchoring: the report reads the outbox and every deadline.
            let report = try journal.branchReport()
            // The next page is read while one is on its way, as the pushes do: it is used only
            // if the centre took the page whole, and read again otherwise.
            var readAhead: (after: ChainPosition, entries: [AuditEntry])?
            while true {
                let head = try journal.auditHead()
                let after =
                    try journal.auditPosition(at: state.head.sequence)
                    ?? ChainPosition(sequence: state.head.sequence, hash: "")
                // Entries are sent only when the branch's chain holds the centre's head; otherwise
                // the empty shipment lets the centre record the break with both heads.
                var entries: [AuditEntry] = []
                if after == state.head {
                    if let ready = readAhead, ready.after == after {
                        entries = ready.entries
                    } else {
                        entries = try journal.auditEntries(after: after.sequence, limit: Self.anchorPage)
                    }
                }
                readAhead = nil
                let shipment = AuditShipment(after: after, head: head, entries: entries, report: report)
                let remote = self.remote
                async let answer = remote.anchor(shipment, branch: branch)
                if entries.count == Self.anchorPage, let last = entries.last {
                    let next = ChainPosition(sequence: last.sequence, hash: last.hash)
                    readAhead = (next, try journal.auditEntries(after: next.sequence, limit: Self.anchorPage))
                }
                state = try await answer
                summary.anchor.head = state.head
                if let found = state.unacknowledgedBreak {
                    return SyncStop(.chainBreak, found.sentence(branch: branch))
                }
                summary.anchor.shipped += entries.count
                if entries.count < Self.anchorPage || firstPageOnly {
                    lastAnchoring = (state, report)
                    return nil
                }
            }
        } catch let error as RemoteError where error.kind == .chainBreak {
            return SyncStop(.chainBreak, error.message)
        } catch let error as RemoteError {
            summary.anchor.note = "the audit chain was not anchored: \(error.message)"
            if !error.isTransient, error.kind != .unsupported { summary.anchor.refusal = error.category }
            return nil
        }
    }

    /// Anchors what the journal wrote after a run's own final anchoring.
    ///
    /// `fapiao sync` records the end of the outage a run's answer ended after the run: without
    /// this that entry would reach the centre only with the next sync. The remote's refusal is
    /// a note and a chain break is for the next sync to report; no lease is taken, since the
    /// centre takes a shipment it already holds again.
    ///
    /// - Returns: what was anchored.
    public func anchorRemaining() async throws -> AnchorSummary {
        var summary = SyncSummary()
        _ = try await anchorAudit(into: &summary)
        return summary.anchor
    }
}
