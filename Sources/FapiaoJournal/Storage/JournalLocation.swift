/// Where the journal lives: `--journal`, else `$FAPIAO_JOURNAL`, else the XDG data directory.
public enum JournalLocation {
    /// Resolves the journal path.
    /// - Parameters:
    ///   - explicit: the `--journal` option, if given.
    ///   - environment: looks up a variable of the process environment.
    /// - Returns: the path to use.
    public static func resolve(explicit: String?, environment: (String) -> String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment("FAPIAO_JOURNAL"), !fromEnvironment.isEmpty { return fromEnvironment }
        let dataHome: String
        if let xdg = environment("XDG_DATA_HOME"), xdg.hasPrefix("/") {
            dataHome = xdg
        } else {
            dataHome = (environment("HOME") ?? ".") + "/.local/share"
        }
        return dataHome + "/fapiao/journal.sqlite"
    }
}
