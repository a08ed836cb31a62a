import FapiaoCore
import FapiaoRemote
import Foundation

/// The documents of `Schema/exec-protocol.md` as the branch writes and reads them.
enum ExecMessage {
    /// The protocol versions this branch speaks: 2 adds anchoring the audit chain.
    static let versions: [Int64] = [1, 2]

    static func hello(branch: String) -> CanonicalJSON {
        .object([
            "fapiao": .string("exec"),
            "versions": .array(versions.map { .integer($0) }),
            "branch": .string(branch),
        ])
    }

    /// The program's answer to the hello: the version it chose, or why it refused.
    static func helloReply(_ line: [UInt8]) throws(ExecProtocolError) -> (version: Int64, node: String) {
        let object = try document(line, "its handshake")
        guard case .string("exec")? = object["fapiao"] else {
            throw ExecProtocolError("its handshake does not start with {\"fapiao\":\"exec\"}")
        }
        if let error = object["error"] {
            let reason = (try? WireObject(error, context: "error").string("message")) ?? "no reason given"
            throw ExecProtocolError("it refused the handshake: \(reason)")
        }
        guard let version = try? object.integer("version"), versions.contains(version) else {
            throw ExecProtocolError("its handshake names no protocol version this branch speaks (1 or 2)")
        }
        return (version, (try? object.string("node")) ?? "central")
    }

    static func request(id: Int64, method: String, params: CanonicalJSON) -> CanonicalJSON {
        .object(["id": .integer(id), "method": .string(method), "params": params])
    }

    /// A push request built around the operations' stored canonical bytes.
    static func pushRequest(id: Int64, branch: String, operations: [StoredOperation]) -> [UInt8] {
        var out: [UInt8] = Array(#"{"id":"#.utf8)
        CanonicalJSON.integer(id).write(into: &out)
        out.append(contentsOf: #","method":"push","params":"#.utf8)
        out.append(contentsOf: WireFormat.pushRequestBytes(branch: branch, operations: operations))
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// What a reply carried: its result, or the error the program reported.
    enum Reply {
        case result(JSONValue)
        case failure(RemoteError)
    }

    /// Reads the reply to request `id`.
    static func reply(_ line: [UInt8], id: Int64, endpoint: String) throws(ExecProtocolError) -> Reply {
        let object = try document(line, "its reply")
        guard case .number(let text)? = object["id"], Int64(text) == id else {
            throw ExecProtocolError("its reply does not carry the request's id \(id)")
        }
        if let result = object["result"] {
            return .result(result)
        }
        guard let error = object["error"], let failure = try? WireObject(error, context: "error") else {
            throw ExecProtocolError("its reply has neither a result nor an error")
        }
        let message = (try? failure.string("message")) ?? "no reason given"
        let retryAfter = (try? failure.integer("retryAfter")).flatMap { $0 >= 0 && $0 <= 86_400 ? $0 : nil }
        let kind: RemoteError.Kind =
            switch (try? failure.string("kind")) ?? "" {
            case "busy": .busy
            case "unreachable": .unreachable
            case "inDoubt": .inDoubt
            case "authenticationRefused": .authenticationRefused
            case "forbidden": .forbidden
            case "chainBreak": .chainBreak
            case "invalidRequest": .protocolViolation
            default: .protocolViolation
            }
        return .failure(
            RemoteError(kind, "\(endpoint) answered: \(message)", retryAfter: retryAfter.map { .seconds($0) })
        )
    }

    private static func document(_ line: [UInt8], _ what: String) throws(ExecProtocolError) -> WireObject {
        guard let text = String(validating: line, as: UTF8.self) else {
            throw ExecProtocolError("\(what) is not UTF-8 text")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(text.utf8))
        } catch {
            let start = text.prefix(60)
            throw ExecProtocolError("\(what) is not a JSON document (\(error.description)): \"\(start)\"")
        }
        do {
            return try WireObject(value, context: what)
        } catch {
            throw ExecProtocolError("\(what) is not a JSON object")
        }
    }
}

/// A line from the program that breaks the protocol.
struct ExecProtocolError: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
