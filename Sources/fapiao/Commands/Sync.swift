import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import FapiaoRemote
import FapiaoSync
import Foundation

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Replay queued invoices to the central system, exactly once.",
        discussion: """
            Takes the journal's sync lease (so two sync jobs never push at once), checks the remote \
            answers, then pushes every queued operation in journal order, in batches. A lost reply \
            leaves the batch in doubt; it is re-sent with the same operation ids and the remote \
            answers "duplicate" for what had landed. Invoices the remote rejects are quarantined \
            with its reason; the rest carry on. Then it pulls this branch's invoices changed \
            elsewhere (an amend or void at HQ): a version that descends from the branch's is \
            applied, a concurrent one is a conflict. Conflicts the journal's resolver policies \
            allow (`fapiao conflicts policy`) are settled and pushed; the rest wait for \
            `fapiao conflicts resolve`. SIGTERM or Ctrl-C finishes the batch in flight, \
            releases the lease and exits.

            The summary line counts sent, accepted, duplicates, conflicts, quarantined and in doubt.

            For cron (`* * * * * fapiao sync --cron`), --cron speaks only when something changes, so \
            cron does not mail every minute of an outage: the remote going unreachable is one short \
            line, the minutes after it are silent (still exit 69), the remote back is one line; a run \
            that sent nothing prints nothing; another stop (a token refused, a chain break) is printed \
            when it first happens. Retries are not logged (FAPIAO_LOG_LEVEL overrides). Each run also \
            sends the branch's notices (`fapiao notify`).

            Exit codes: 0 done; 1 done, but invoices quarantined in this run or open conflicts need attention; \
            64 the remote's URL names the wrong scheme (http:// to a TLS port or the reverse); \
            69 remote unreachable or unavailable (nothing lost, retry later); 75 another sync holds \
            the lease; 76 the remote broke the protocol, or took the invoices but refused the audit chain \
            as malformed; 77 the token was refused, the token \
            file is readable by others, or an https:// remote's certificate failed verification \
            (untrusted issuer, another name, expired: give HQ's CA with --ca-file or fix the certificate).

            Examples:
              fapiao sync                          # once, with the remote given at init
              fapiao sync --watch --interval 30s   # keep syncing, for a systemd service
              fapiao sync --cron                   # from cron every minute: quiet while nothing changes
              fapiao sync --dry-run                # what each queued operation would do
              FAPIAO_TOKEN=… fapiao sync --remote https://hq.example:8443 --batch 200
              fapiao sync --ca-file /etc/fapiao/hq-ca.pem   # trust HQ's private CA for this run
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions

    @Flag(help: "Sync once and exit (the default).")
    var once = false
    @Flag(help: "Keep syncing every --interval until stopped; waits while another sync holds the lease.")
    var watch = false
    @Option(help: ArgumentHelp("Time between runs with --watch: 30s, 5m, 1h.", valueName: "duration"))
    var interval: String = "30s"
    @Option(help: ArgumentHelp("Operations per push (1–5000).", valueName: "n"))
    var batch: Int = 500
    @Option(help: ArgumentHelp("Failed attempts in a row before the run gives up.", valueName: "n"))
    var retries: Int = 5
    @Option(
        help: ArgumentHelp(
            "How long to wait for each answer from the remote, e.g. 30s or 2m (default: 30s for exec:, the "
                + "adapter's own otherwise); an exec: program that takes longer is stopped and its batch is in doubt.",
            valueName: "duration"
        )
    )
    var timeout: String?
    @Option(
        help: ArgumentHelp(
            "The log records (each failed attempt, at FAPIAO_LOG_LEVEL, warning by default) on standard error: "
                + "text, or json (one object per line, for journald or a log shipper).",
            valueName: "format"
        )
    )
    var logFormat: LogFormat = .text
    @Flag(help: "For cron: print only when something changes (the remote lost or back, work done).")
    var cron = false
    @Flag(help: "Show what each queued operation would do; change nothing.")
    var dryRun = false
    @OptionGroup var remoteOptions: RemoteOptions
    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        guard (1...5000).contains(batch) else { throw ValidationError("--batch must be between 1 and 5000.") }
        guard (1...1000).contains(retries) else { throw ValidationError("--retries must be between 1 and 1000.") }
        guard timeout.map({ SyncCommandSupport.parseDuration($0) != nil }) ?? true else {
            throw ValidationError(
                "--timeout must be a duration from 1ms to 7d such as 30s or 2m, not \"\(timeout ?? "")\"."
            )
        }
        guard !(once && watch) else { throw ValidationError("--once and --watch cannot be combined.") }
        guard !(cron && dryRun) else { throw ValidationError("--cron and --dry-run cannot be combined.") }
        guard SyncCommandSupport.parseDuration(interval) != nil else {
            throw ValidationError(
                "--interval must be a duration from 1ms to 7d such as 30s, 5m or 1h, not \"\(interval)\"."
            )
        }
    }

    func run() async throws {
        let exitCode = try await reportingAsyncErrors {
            let journal = try journalOptions.open()
            if cron { CommandLogging.quietUnlessAsked() }
            CommandLogging.use(logFormat)
            let adapter = try await RemoteConnection.open(
                url: remoteOptions.remote,
                tokenFile: remoteOptions.tokenFile,
                caFile: remoteOptions.caFile,
                journal: journal,
                timeout: timeout.flatMap(SyncCommandSupport.parseDuration)
            )
            do {
                return try await RemoteConnection.using(adapter) {
                    dryRun
                        ? try await DryRun(
                            journal: journal,
                            engine: engine(journal: journal, adapter: adapter),
                            endpoint: adapter.endpoint,
                            format: format
                        ).run()
                        : try await sync(journal: journal, adapter: adapter)
                }
            } catch let error as JournalError where error.code == .storageFull && !dryRun {
                // "Nothing was written" is not so for a sync: the batch it ran out on may already be
                // marked in flight, and delivered.
                throw JournalError(
                    code: .storageFull,
                    message: "The disk holding \(journal.path) is full; the sync stopped, and a batch it had "
                        + "already sent stays in flight for the next sync to send again with the same operation "
                        + "ids. Free space and try again.",
                    cause: error
                )
            }
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    /// The sync engine the options describe.
    private func engine(journal: Journal, adapter: any RemoteAdapter) -> SyncEngine {
        var options = SyncOptions(
            batchSize: batch,
            owner: LeaseOwner.current(),
            actor: actorOptions.actor ?? "sync"
        )
        options.retry.maximumConsecutiveFailures = retries
        return SyncEngine(
            journal: journal,
            remote: adapter,
            options: options,
            environment: SyncEnvironment(logger: CommandLogging.logger("fapiao.sync"))
        )
    }

    /// Runs once, or keeps running with --watch; returns the exit code of the last run.
    private func sync(journal: Journal, adapter: any RemoteAdapter) async throws -> Int32 {
        let engine = engine(journal: journal, adapter: adapter)
        let signals = StopSignals { Task { await engine.requestStop() } }
        defer { signals.cancel() }
        var code: Int32 = 0
        var waitingForLease = false
        repeat {
            let summary: SyncSummary
            do {
                summary = try await runOnce(engine)
                waitingForLease = false
            } catch let error as JournalError where watch && error.code == .leaseHeld {
                // Another sync, or a restore, holds the lease: a watcher waits it out (said once)
                // rather than exit for its service manager to restart it into the same wait.
                if try journalWasReplaced(journal) { return ExitStatus.code(for: .busy) }
                if !waitingForLease {
                    printNote("Waiting: \(error.message) (sync --watch tries again every \(interval))")
                }
                waitingForLease = true
                code = ExitStatus.code(for: .busy)
                try? await Task.sleep(for: SyncCommandSupport.parseDuration(interval) ?? .seconds(30))
                continue
            }
            code = SyncCommandSupport.exitCode(for: summary)
            let outageNote = await followOutage(summary, journal: journal, engine: engine)
            let transition = recordTransition(summary, journal: journal)
            if cron {
                reportForCron(summary, transition: transition, outageNote: outageNote, journal: journal)
            } else {
                if let outageNote { printNote(outageNote) }
                // A watching job reports runs that did something, so its log stays readable.
                if !watch || summary.sent > 0 || summary.stop != nil || format == .json {
                    report(summary, journal: journal)
                }
            }
            let events = transition.map { Self.events($0, journal: journal) } ?? []
            await BranchNotifier.run(journal: journal, events: events)
            if !watch || signals.received { break }
            if let kind = summary.stop?.kind,
                [
                    .authenticationRefused, .forbidden, .protocolViolation, .chainBreak, .untrustedCertificate,
                    .wrongScheme,
                ]
                .contains(kind)
            {
                break
            }
            try? await Task.sleep(for: SyncCommandSupport.parseDuration(interval) ?? .seconds(30))
            if !signals.received, try journalWasReplaced(journal) { return ExitStatus.code(for: .busy) }
        } while !signals.received
        return code
    }

    /// Whether `fapiao restore` put another file at the journal's path while this process kept the
    /// old one open; says so, for the service manager to start sync again on the new one.
    private func journalWasReplaced(_ journal: Journal) throws -> Bool {
        guard try journal.fileHasMoved() else { return false }
        printError(
            "The journal at \(journal.path) was replaced while sync --watch ran (fapiao restore?); "
                + "stopping so that sync starts again on the new one."
        )
        return true
    }

    private func runOnce(_ engine: SyncEngine) async throws -> SyncSummary {
        let progress = Progress(label: "synced")
        return try await engine.run { update in
            if let (delay, reason) = update.waiting {
                if progress.enabled {
                    printNote("\(reason); retrying in \(SyncCommandSupport.describe(delay))")
                }
            } else {
                progress.update(update.answered, max(update.total, update.answered))
            }
        }
    }

    /// The error line for a remote's refusal of the audit chain that retrying cannot cure, or `nil`.
    func anchorRefusal(_ summary: SyncSummary, journal: Journal) -> String? {
        guard summary.anchor.refusal != nil, let note = summary.anchor.note else { return nil }
        var sentence = note.prefix(1).uppercased() + note.dropFirst()
        while sentence.hasSuffix(".") { sentence.removeLast() }
        return "\(sentence). The invoices were synced; report it to whoever runs "
            + "\(remoteOptions.remote ?? journal.settings.remote ?? "the remote")."
    }

    func report(_ summary: SyncSummary, journal: Journal) {
        switch format {
        case .json:
            emit(SyncCommandSupport.json(summary).text)
        case .text:
            emit(summary.line)
            if summary.blocked > 0 {
                emit("\(summary.blocked.grouped) operations wait behind quarantined or conflicting changes")
            }
            if summary.tally.quarantined > 0 {
                emit("quarantined invoices need attention: `fapiao quarantine list`")
            }
            if summary.openConflicts > 0 {
                emit("conflicts wait for a person: `fapiao conflicts list`")
            }
        }
        if let note = summary.anchor.note, format == .text {
            if let refusal = anchorRefusal(summary, journal: journal) {
                printError(refusal)
            } else {
                printNote(note)
            }
        }
        if let stop = summary.stop, stop.kind != .interrupted {
            printError(
                SyncCommandSupport.stopMessage(
                    stop,
                    remote: remoteOptions.remote ?? journal.settings.remote ?? "the remote"
                )
            )
        }
    }
}
