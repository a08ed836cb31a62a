import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoNotify
import Foundation

/// Tells the branch's people what needs attention (`fapiao notify`), driven by `sync` (every run
/// of `--watch`) and `status --check` (from cron): each reason once when it appears, again after
/// `notify.interval` while it lasts, never every minute (``NoticeSchedule``).
enum BranchNotifier {
    /// The waits before the second and third attempt of one delivery.
    static let retryDelays: [Duration] = [.seconds(1), .seconds(3)]

    /// Looks at the branch, adds `events`, and delivers what is due to every notifier.
    ///
    /// Never fails the command: a notifier that cannot be reached is named on standard error and
    /// the notice is tried again at the next look (unless another notifier took it).
    static func run(journal: Journal, events: [BranchNotice] = []) async {
        let notifiers: [NotifierRecord]
        do {
            notifiers = try journal.notifiers()
            guard !notifiers.isEmpty else { return }
            let settings = journal.settings
            let present =
                try journal.branchNotices(outboxAgeMilliseconds: settings.noticeOutboxAgeSeconds * 1000) + events
            let claims = try journal.claimNotices(
                present,
                resendAfterMilliseconds: settings.noticeResendSeconds * 1000
            )
            for claim in claims {
                var delivered = false
                for notifier in notifiers {
                    let failure = await deliver(
                        claim.due.notice,
                        times: claim.due.record.times,
                        to: notifier,
                        journal: journal
                    )
                    if failure.isEmpty {
                        delivered = true
                    } else {
                        printError(
                            "notifier \(notifier.name) did not take the notice \(claim.due.notice.key): \(failure)"
                        )
                    }
                }
                if !delivered { try? journal.unclaimNotice(claim) }
            }
        } catch {
            printError("notices could not be sent: \(error)")
        }
    }

    /// Delivers `notice` to one notifier, three attempts; returns why it failed, or "".
    static func deliver(
        _ notice: BranchNotice,
        times: Int,
        to notifier: NotifierRecord,
        journal: Journal
    ) async
        -> String
    {
        let target: NotificationTarget
        do {
            target = try NotificationTarget(parsing: notifier.target, field: "notifier \(notifier.name)")
        } catch {
            return error.message
        }
        let branch = journal.settings.node
        let at = journal.now
        let bytes: [UInt8]
        let contentType: String
        if let mailTo = notifier.mailTo {
            bytes = MailMessage(to: mailTo, notice: notice, branch: branch, at: at).bytes
            contentType = "message/rfc822"
        } else {
            bytes = notice.document(branch: branch, at: at, times: times).bytes + [0x0A]
            contentType = "application/json"
        }
        var failure = ""
        for delay in [Duration.zero] + retryDelays {
            if delay > .zero { try? await Task.sleep(for: delay) }
            failure = await NotificationDelivery.send(
                bytes,
                to: target,
                environment: ["FAPIAO_NOTICE_KIND": notice.kind.rawValue, "FAPIAO_BRANCH": branch],
                contentType: contentType
            )
            if failure.isEmpty { return "" }
        }
        return failure
    }
}

/// A notice as an e-mail message (RFC 5322, UTF-8) for a sendmail-compatible program
/// (`sendmail -t` reads the recipients from the `To:` header).
struct MailMessage {
    let to: String
    let notice: BranchNotice
    let branch: String
    let at: UTCTimestamp

    /// Whether `address` can go in a `To:` header as it is: one `@`, no spaces, no line breaks
    /// (a line break would let a value add headers of its own).
    static func isUsableAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && address.count <= 254
            && !address.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.value < 0x20 || $0 == "," || $0 == "<" || $0 == ">"
            }
    }

    var bytes: [UInt8] {
        let subject = "[fapiao \(branch)] \(notice.message.prefix(70))"
        let text = [
            "To: \(to)",
            "Subject: =?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?=",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: 8bit",
            "X-Fapiao-Notice: \(notice.kind.rawValue)",
            "",
            notice.message,
            "",
            "branch: \(branch)",
            "reason: \(notice.key)",
            "at:     \(at)",
            "",
            notice.document(branch: branch, at: at, times: 1).text,
            "",
        ].joined(separator: "\r\n")
        return Array(text.utf8)
    }
}
