extension String {
    /// The value as an error message repeats it: whole when it is short, else its first 32
    /// characters and an ellipsis, so a refused 10 MB value never comes back whole on a terminal.
    public var excerpt: String {
        guard utf8.count > 64 else { return self }
        return String(prefix(32)) + "…"
    }

    /// ``excerpt`` in double quotes, with the value's length when it was cut:
    /// `"9999999999999999…" (900,000 bytes)`.
    public var quotedExcerpt: String {
        guard utf8.count > 64 else { return "\"\(self)\"" }
        return "\"\(excerpt)\" (\(utf8.count) bytes)"
    }
}
