/// The version of `fapiao` and `fapiao-central`, one for both so they never disagree
/// (`--version`, the first log line of `fapiao-central serve`).
public enum FapiaoVersion {
    /// The release, as `--version` prints it.
    public static let current = "0.9.0"
}
