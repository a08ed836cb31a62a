import ArgumentParser
import FapiaoCommandSupport
import FapiaoCore
import FapiaoJournal
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a branch journal.",
        discussion: """
            Creates the journal file (mode 0600, directory 0700). Never overwrites an existing file.

            Examples:
              fapiao init --node bj-chaoyang-01 --operator 王芳
              fapiao init --node sh-pudong-02 --journal /srv/fapiao/journal.sqlite --offline-window-days 30
              fapiao init --node bj-chaoyang-01 --remote https://hq.example:8443 --token-file /etc/fapiao/token
              fapiao init --node bj-chaoyang-01 --remote https://hq.example:8443 --token-file /etc/fapiao/token \\
                  --ca-file /etc/fapiao/hq-ca.pem
              fapiao init --node bj-chaoyang-01 --remote 'postgres://bj01@db.hq.example/fapiao?sslmode=verify-full' \\
                  --token-file /etc/fapiao/pg-password
              fapiao init --node bj-chaoyang-01 --remote 'exec:/usr/local/bin/upload-invoices --profile prod'

            The token itself is never stored in the journal: sync reads $FAPIAO_TOKEN, else the \
            token file (which must be mode 0600). An https:// remote's certificate is verified against the \
            system's trust store, or against the PEM file given with --ca-file (HQ's private CA), which the \
            journal remembers like the token file. A postgres:// remote writes straight into the \
            central PostgreSQL store (no service in between); its URL must carry no password: the \
            token is the database password ($FAPIAO_TOKEN, the token file, else $PGPASSWORD). An \
            exec: remote runs a site's own program speaking Schema/exec-protocol.md on its standard input \
            and output; it gets the token in $FAPIAO_TOKEN. A remote URL with a user name or password is \
            refused (exit 64) and nothing is written.
            """
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var actorOptions: ActorOptions

    @Option(
        help: ArgumentHelp(
            "This branch's node id: lowercase letters, digits and '-' (e.g. bj-chaoyang-01).",
            valueName: "id"
        )
    )
    var node: String

    @Option(
        name: .customLong("operator"),
        help: ArgumentHelp("The default operator recorded as the actor of changes.", valueName: "name")
    )
    var operatorName: String?

    @Option(
        help: ArgumentHelp(
            "The jurisdiction profile the branch invoices under: cn-digital (default), cn-ukey, pl-ksef (`fapiao profile list`).",
            valueName: "name"
        )
    )
    var profile: String = Profile.defaultName

    @Option(help: ArgumentHelp("How many days back an issue date may lie.", valueName: "days"))
    var offlineWindowDays: Int = ValidationPolicy.standard.offlineWindowDays

    @Option(
        help: ArgumentHelp(
            "The central system to sync with: http(s)://HOST:PORT, sqlite:PATH, postgres://USER@HOST/DB or exec:PROGRAM [ARGS] (Schema/exec-protocol.md).",
            valueName: "url"
        )
    )
    var remote: String?

    @Option(help: ArgumentHelp("File holding this branch's bearer token (mode 0600).", valueName: "path"))
    var tokenFile: String?

    @Option(
        help: ArgumentHelp(
            "PEM file of the CA an https:// remote's certificate must chain to, instead of the system's trust store.",
            valueName: "path"
        )
    )
    var caFile: String?

    @Option(help: ArgumentHelp("Output format.", valueName: "format"))
    var format: ReportFormat = .text

    func validate() throws {
        if !Profile.builtInNames.contains(profile) {
            throw ValidationError(
                "--profile must be one of \(Profile.builtInNames.joined(separator: ", ")), not \"\(profile.prefix(40))\"."
            )
        }
        guard (1...3650).contains(offlineWindowDays) else {
            throw ValidationError("--offline-window-days must be between 1 and 3650.")
        }
        if let remote {
            // Before anything is written: a URL with credentials would be kept in the journal.
            do {
                try RemoteConnection.validate(remote)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if caFile != nil {
            guard let remote, remote.lowercased().hasPrefix("https://") else {
                throw ValidationError(
                    "--ca-file needs an https:// --remote: it says whom that remote's certificate must come from."
                )
            }
        }
    }

    func run() throws {
        try reportingErrors {
            if let tokenFile { _ = try SecretFile.read(tokenFile, what: "Token file") }
            let absoluteTokenFile = tokenFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            _ = try RemoteConnection.trustedRoots(file: caFile)
            var settings = try JournalSettings(
                node: node,
                operatorName: operatorName,
                remote: remote,
                tokenFile: absoluteTokenFile,
                offlineWindowDays: offlineWindowDays,
                profile: try Profile.builtIn(profile)
            )
            settings.caFile = caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let clock = try AsOfClock.fromEnvironment()
            settings.simulatedClock = clock != nil
            let actor = actorOptions.actor ?? operatorName ?? ProcessInfoEnvironment.user
            let journal = try Journal.create(
                at: journalOptions.path,
                settings: settings,
                actor: actor,
                environment: clock?.environment ?? .system()
            )
            switch format {
            case .json:
                emit(
                    CanonicalJSON.object([
                        "journal": .string(journal.path), "node": .string(node), "profile": .string(profile),
                        "simulatedClock": .bool(settings.simulatedClock),
                    ]).text
                )
            case .text:
                emit("created journal \(journal.path) for node \(node) (profile \(profile))")
                if settings.simulatedClock {
                    emit(
                        "its clock is simulated ($FAPIAO_AS_OF): for tests and demos only; it can never be run on the real clock"
                    )
                }
            }
        }
    }
}

enum ProcessInfoEnvironment {
    static var user: String { ProcessEnvironment.value("USER") ?? "unknown" }
}
