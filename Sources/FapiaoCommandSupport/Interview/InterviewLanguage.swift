import ArgumentParser

/// The language of the questions: English, or Chinese for a clerk whose locale is Chinese.
public enum InterviewLanguage: String, Hashable, Sendable, CaseIterable {
    case en
    case zh

    /// The language `--lang` names, else the locale's: the first of `LC_ALL`, `LC_MESSAGES` and
    /// `LANG` that is set and not empty (POSIX order) decides, Chinese when it starts with `zh`.
    ///
    /// - Parameters:
    ///   - flag: the `--lang` value, if given.
    ///   - environment: the process environment.
    public init(flag: InterviewLanguage?, environment: [String: String]) {
        if let flag {
            self = flag
            return
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        self = locale?.lowercased().hasPrefix("zh") == true ? .zh : .en
    }
}

extension InterviewLanguage: ExpressibleByArgument {}
