import FapiaoCore

/// One of the branch's notifiers (`fapiao notify add`): where its notices go.
public struct NotifierRecord: Hashable, Sendable {
    /// The name it is listed, tested and removed by.
    public var name: String
    /// `exec:PROGRAM [ARGS]` or an `http(s)://` URL, as given.
    public var target: String
    /// When set, the program is given a mail message for this address (a sendmail-compatible
    /// program such as `exec:/usr/sbin/sendmail -t`), not the notice's JSON.
    public var mailTo: String?
    public var addedAt: UTCTimestamp
    public var addedBy: String

    public init(name: String, target: String, mailTo: String?, addedAt: UTCTimestamp, addedBy: String) {
        self.name = name
        self.target = target
        self.mailTo = mailTo
        self.addedAt = addedAt
        self.addedBy = addedBy
    }

    /// Whether `name` is a usable notifier name: 1–32 of `a-z 0-9 - _`, starting with a letter or digit.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count), bytes[0] != UInt8(ascii: "-"), bytes[0] != UInt8(ascii: "_") else {
            return false
        }
        return bytes.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
    }
}
