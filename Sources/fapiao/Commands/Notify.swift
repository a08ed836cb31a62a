import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoNotify
import Foundation

struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Tell the branch's people what needs attention: a program, a webhook or e-mail.",
        discussion: """
            `fapiao sync` (each run, so every --interval with --watch) and `fapiao status --check` look \
            at the branch and send each reason once when it appears, again every `notify.interval` (1h) \
            while it lasts, never every minute: the outbox's oldest operation waiting longer than \
            `notify.outboxAge` (1h), an upload deadline near or passed and the profile's other limits, \
            quarantined invoices, open conflicts, invoices in doubt after a failed sync; and once, the \
            remote answering again after being unreachable. Set both with `fapiao config set`.

            A program (exec:ABSOLUTE-PATH [ARGS]) gets the notice as one JSON line on its standard \
            input ({"fapiao":"notice","kind","key","branch","message","details","at","times"}) and \
            FAPIAO_NOTICE_KIND, FAPIAO_BRANCH in its environment; exit 0 within 30 s is delivered. A \
            URL gets the same JSON POSTed. With --mail-to the program gets an e-mail message instead \
            (UTF-8, To: and Subject: set), for any sendmail-compatible program. A notice no notifier \
            took is tried again at the next look; three attempts each time.

            Examples:
              fapiao notify add exec:/usr/local/bin/page-branch-manager --name manager
              fapiao notify add https://chat.example/hooks/branch-01 --name chat
              fapiao notify add 'exec:/usr/sbin/sendmail -t' --mail-to ops@branch.example --name mail
              fapiao notify list
              fapiao notify test mail
              fapiao notify remove chat
            """,
        subcommands: [NotifyAdd.self, NotifyList.self, NotifyTest.self, NotifyRemove.self],
        defaultSubcommand: NotifyList.self
    )
}

struct NotifyAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a notifier (audited).",
        discussion: """
            Examples:
              fapiao notify add exec:/usr/local/bin/page-branch-manager
              fapiao notify add 'exec:/usr/sbin/sendmail -t' --mail-to ops@branch.example --name mail
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("exec:ABSOLUTE-PATH [ARGS], or an http(s):// URL.", valueName: "target"))
    var target: String
    @Option(help: ArgumentHelp("Its name (default: from the program or the host).", valueName: "name"))
    var name: String?
    @Option(
        help: ArgumentHelp(
            "Give the program an e-mail message for this address (a sendmail-compatible program).",
            valueName: "address"
        )
    )
    var mailTo: String?

    func validate() throws {
        let parsed: NotificationTarget
        do {
            parsed = try NotificationTarget(parsing: target, field: "TARGET")
        } catch {
            throw ValidationError("\(error.message).")
        }
        if let mailTo {
            guard case .command = parsed else {
                throw ValidationError(
                    "--mail-to needs an exec: program that sends mail, such as 'exec:/usr/sbin/sendmail -t'."
                )
            }
            guard MailMessage.isUsableAddress(mailTo) else {
                throw ValidationError(
                    "--mail-to must be one address such as ops@branch.example, not \"\(mailTo.prefix(60))\"."
                )
            }
        }
    }

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let parsed = try NotificationTarget(parsing: target, field: "TARGET")
            let record = try journal.addNotifier(
                name: name ?? Self.defaultName(for: parsed, taken: Set(try journal.notifiers().map(\.name))),
                target: parsed.description,
                mailTo: mailTo,
                actor: actorOptions.actor(for: journal)
            )
            emit("added notifier \(record.name): \(record.target)\(record.mailTo.map { " (mail to \($0))" } ?? "")")
            emit("try it with `fapiao notify test \(record.name)`")
        }
    }

    /// A name from the program's file name or the URL's host, lower case, made unique.
    static func defaultName(for target: NotificationTarget, taken: Set<String>) -> String {
        let source: String =
            switch target {
            case .command(let words): URL(fileURLWithPath: words.first ?? "notifier").lastPathComponent
            case .webhook(let url): URL(string: url)?.host ?? "webhook"
            }
        var base = String(
            source.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" }.prefix(24)
        )
        while base.hasPrefix("-") { base.removeFirst() }
        if base.isEmpty { base = "notifier" }
        var candidate = base
        var suffix = 2
        while taken.contains(candidate) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        return candidate
    }
}

struct NotifyList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the notifiers, and the reasons sent lately.",
        discussion: """
            Examples:
              fapiao notify list
              fapiao notify list --format json
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            let notifiers = try journal.notifiers()
            let records = try journal.noticeRecords().values.sorted { $0.key < $1.key }
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "notifiers": .array(
                            notifiers.map {
                                .object([
                                    "name": .string($0.name), "target": .string($0.target),
                                    "mailTo": .optional($0.mailTo), "addedAt": .string($0.addedAt.description),
                                    "addedBy": .string($0.addedBy),
                                ])
                            }
                        ),
                        "sent": .array(
                            records.map {
                                .object([
                                    "key": .string($0.key), "firstSent": .string($0.firstSent.description),
                                    "lastSent": .string($0.lastSent.description), "times": .integer(Int64($0.times)),
                                ])
                            }
                        ),
                        "interval": .integer(journal.settings.noticeResendSeconds),
                        "outboxAge": .integer(journal.settings.noticeOutboxAgeSeconds),
                    ]).text
                )
            case .text:
                if notifiers.isEmpty {
                    emit("no notifiers: add one with `fapiao notify add exec:PROGRAM|URL`")
                } else {
                    emit(
                        table(
                            ["NAME", "TARGET", "MAIL TO", "ADDED"],
                            notifiers.map { [$0.name, $0.target, $0.mailTo ?? "-", "\($0.addedAt) by \($0.addedBy)"] }
                        )
                    )
                }
                let interval = DurationText.setting(.seconds(journal.settings.noticeResendSeconds))
                let age = DurationText.setting(.seconds(journal.settings.noticeOutboxAgeSeconds))
                emit("each reason again every \(interval) while it lasts; outbox reminder after \(age)")
                if !records.isEmpty {
                    emit("")
                    emit(
                        table(
                            ["REASON", "FIRST SENT", "LAST SENT", "TIMES"],
                            records.map {
                                [$0.key, $0.firstSent.description, $0.lastSent.description, String($0.times)]
                            }
                        )
                    )
                }
            }
        }
    }
}

struct NotifyTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a test notice now to every notifier, or to one.",
        discussion: """
            Exit codes: 0 every notifier took it; 69 one did not (its reason is printed); 66 no such notifier.

            Examples:
              fapiao notify test
              fapiao notify test mail
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: ArgumentHelp("The notifier (default: all).", valueName: "name"))
    var name: String?

    func run() async throws {
        let failed = try await reportingAsyncErrors {
            let journal = try journalOptions.open()
            var notifiers = try journal.notifiers()
            if let name {
                notifiers = notifiers.filter { $0.name == name }
                if notifiers.isEmpty {
                    throw JournalError(
                        code: .notFound,
                        message: "There is no notifier named \(name.prefix(40)); `fapiao notify list` shows them."
                    )
                }
            } else if notifiers.isEmpty {
                throw JournalError(
                    code: .notFound,
                    message: "There are no notifiers to test; add one with `fapiao notify add exec:PROGRAM|URL`."
                )
            }
            let notice = BranchNotice(
                kind: .test,
                key: "test",
                message: "A test notice from branch \(journal.settings.node): notifications reach you.",
                isEvent: true
            )
            var failed = 0
            for notifier in notifiers {
                let failure = await BranchNotifier.deliver(notice, times: 1, to: notifier, journal: journal)
                if failure.isEmpty {
                    emit("\(notifier.name): delivered")
                } else {
                    failed += 1
                    emit("\(notifier.name): not delivered: \(failure)")
                }
            }
            return failed
        }
        if failed > 0 { throw ExitCode(ExitStatus.code(for: .unavailable)) }
    }
}

struct NotifyRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a notifier (audited).",
        discussion: """
            Examples:
              fapiao notify remove chat
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions
    @Argument(help: ArgumentHelp("The notifier's name.", valueName: "name"))
    var name: String

    func run() throws {
        try reportingErrors {
            let journal = try journalOptions.open()
            try journal.removeNotifier(name: name, actor: actorOptions.actor(for: journal))
            emit("removed notifier \(name)")
        }
    }
}
