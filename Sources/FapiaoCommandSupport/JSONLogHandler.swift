import FapiaoCore
import Foundation
import Logging

/// A `LogHandler` writing each record as one JSON object on one line, for log collectors
/// (`--log-format json`).
///
/// Each line holds `time` (ISO 8601 in UTC, milliseconds: `2026-12-04T21:42:40.125Z`), `level`,
/// `label`, `message`, `error` when the record carries one, and the record's metadata flattened
/// into the same object: a nested dictionary's keys joined with `.` (`request.id`), a list as a
/// JSON array, every other value as its text. A metadata key that would replace one
/// of the record's own keys is written as `metadata.KEY`. Keys are in one fixed order
/// (``CanonicalJSON``), strings escape quotes, backslashes and control characters, so a message
/// holding a newline still makes exactly one line.
public struct JSONLogHandler: LogHandler {
    /// The record's own keys, which metadata never replaces.
    public static let recordKeys: Set<String> = ["time", "level", "label", "message", "error"]

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info

    private let label: String
    private let now: @Sendable () -> UTCTimestamp
    private let write: @Sendable (String) -> Void

    /// A handler that hands each line, without its newline, to `write`.
    ///
    /// - Parameters:
    ///   - label: the logger's label.
    ///   - metadataProvider: metadata added to every record.
    ///   - now: the clock for `time`.
    ///   - write: receives each line; it must be safe to call from any thread.
    public init(
        label: String,
        metadataProvider: Logger.MetadataProvider? = nil,
        now: @escaping @Sendable () -> UTCTimestamp = JSONLogHandler.systemNow,
        write: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.now = now
        self.write = write
    }

    /// A handler writing to standard error, one line per record; the factory for
    /// `Logger(label:factory:)`.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in
            // One write per record, so records from several tasks never interleave within a line.
            FileHandle.standardError.write(utf8: line + "\n")
        }
    }

    /// The time now, from the system's clock.
    @Sendable public static func systemNow() -> UTCTimestamp {
        UTCTimestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        write(
            Self.line(
                time: now(),
                level: event.level,
                label: label,
                message: event.message.description,
                error: event.error.map { "\($0)" },
                metadata: merged
            )
        )
    }

    /// One record as its JSON line, without the newline.
    public static func line(
        time: UTCTimestamp,
        level: Logger.Level,
        label: String,
        message: String,
        error: String? = nil,
        metadata: Logger.Metadata
    ) -> String {
        var members: [String: CanonicalJSON] = [:]
        for (key, value) in metadata { flatten(value, key: key, into: &members) }
        var record: [String: CanonicalJSON] = [:]
        for (key, value) in members {
            record[recordKeys.contains(key) ? "metadata." + key : key] = value
        }
        record["time"] = .string(time.description)
        record["level"] = .string(level.rawValue)
        record["label"] = .string(label)
        record["message"] = .string(message)
        if let error { record["error"] = .string(error) }
        return CanonicalJSON.object(record).text
    }

    /// Puts `value` under `key`, a dictionary's members under `key.member`, recursively.
    private static func flatten(
        _ value: Logger.Metadata.Value,
        key: String,
        into members: inout [String: CanonicalJSON]
    ) {
        switch value {
        case .dictionary(let dictionary):
            if dictionary.isEmpty { members[key] = .object([:]) }
            for (member, inner) in dictionary { flatten(inner, key: key + "." + member, into: &members) }
        default:
            members[key] = json(value)
        }
    }

    /// A value inside a list: nested lists stay lists, a dictionary becomes an object.
    private static func json(_ value: Logger.Metadata.Value) -> CanonicalJSON {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let dictionary): .object(dictionary.mapValues(json))
        }
    }
}
