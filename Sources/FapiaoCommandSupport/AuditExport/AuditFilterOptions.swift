import ArgumentParser
import FapiaoCore
import Foundation

/// `--since --until --actor --event`: which audit entries an export takes, for `fapiao audit
/// export` and `fapiao-central audit export` alike.
public struct AuditFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only entries written at or after this UTC time.", valueName: "time"))
    public var since: String?
    @Option(help: ArgumentHelp("Only entries written before this UTC time.", valueName: "time"))
    public var until: String?
    @Option(help: ArgumentHelp("Only entries of this actor.", valueName: "name"))
    public var actor: String?
    @Option(help: ArgumentHelp("Only entries of this event (captured, voided, …).", valueName: "event"))
    public var event: String?

    public init() {}

    /// The filter the options name, with the invoice the caller resolved.
    public func filter(invoiceID: UUID?) throws -> AuditFilter {
        func time(_ text: String?, _ option: String) throws -> UTCTimestamp? {
            guard let text else { return nil }
            guard let time = AuditFilter.time(parsing: text) else {
                throw ValidationError(
                    "--\(option) \"\(text)\" is not a UTC time like 2026-11-20 or 2026-11-20T08:15:30Z."
                )
            }
            return time
        }
        let event = try event.map { name in
            guard let event = AuditEvent(rawValue: name) else {
                throw ValidationError(
                    "--event \"\(name)\" is not an audit event; use one of "
                        + AuditEvent.allCases.map(\.rawValue).joined(separator: ", ") + "."
                )
            }
            return event
        }
        return AuditFilter(
            since: try time(since, "since"),
            until: try time(until, "until"),
            actor: actor,
            event: event,
            invoiceID: invoiceID
        )
    }
}
