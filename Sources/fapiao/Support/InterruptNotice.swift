import FapiaoCommandSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C while the questions of `enqueue` are asked: one line saying nothing was written, and
/// exit 130 (``ExitCodes/cancelled``) at once, since nothing is written before the clerk confirms.
enum InterruptNotice {
    /// Installs the handler, its line in `language`.
    static func install(_ language: InterviewLanguage) {
        // A signal handler may only call async-signal-safe functions: write(2) of a static string
        // and _exit(2), nothing that allocates, hence one literal per language.
        switch language {
        case .en:
            signal(SIGINT) { _ in
                let message: StaticString = "\nfapiao: interrupted (Ctrl-C); nothing was written\n"
                _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
                _exit(130)
            }
        case .zh:
            signal(SIGINT) { _ in
                let message: StaticString = "\nfapiao: 已中断（Ctrl-C），未写入任何内容\n"
                _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
                _exit(130)
            }
        }
    }

    /// Ctrl-C acts as usual again: while the confirmed invoice is written it stops the process
    /// like any other command's, and the journal's transaction keeps it whole or absent.
    static func remove() {
        signal(SIGINT, SIG_DFL)
    }
}
