import FapiaoCentralService
import FapiaoCentralStore
import FapiaoCore
import FapiaoHTTP
import FapiaoRemote
import FapiaoTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The API as its description (Schema/openapi.yaml) has it, where the reliability harness's
/// `http-contract` part found the service answering otherwise.
@Suite struct HTTPContractTests {
    @Test func aMethodAnEndpointDoesNotTakeIs405NamingTheOnesItTakes() async throws {
        try await ServiceHarness.run { harness in
            let port = harness.running.address.port
            let token = harness.tokens[ServiceHarness.branch]
            let id = "0B7C3A4E-1D2F-4A5B-8C6D-7E8F9A0B1C2D"
            let cases = [
                ("DELETE", "/v1/push", "POST"), ("GET", "/v1/push", "POST"), ("POST", "/v1/health", "GET"),
                ("PUT", "/v1/invoices/\(id)", "GET"), ("TRACE", "/v1/invoices/lookup", "POST"),
                ("GET", "/v1/invoices/\(id)/void", "POST"), ("PATCH", "/v1/branches/bj-01/changes", "GET"),
            ]
            for (method, path, allowed) in cases {
                let reply = try await RawHTTP.exchange(port: port, method, path, token: token)
                #expect(reply.status == 405, "\(method) \(path)")
                #expect(header("Allow", of: reply) == allowed, "\(method) \(path)")
                #expect(reply.body.contains("not allowed"), "\(method) \(path)")
            }
            let unknown = try await RawHTTP.exchange(port: port, "GET", "/v1/nothing-here", token: token)
            #expect(unknown.status == 404)
            #expect(header("Allow", of: unknown) == nil)
        }
    }

    @Test func aBranchThatIsNotANodeNameIs400() async throws {
        try await ServiceHarness.run { harness in
            let port = harness.running.address.port
            let listing = try await RawHTTP.exchange(
                port: port,
                "GET",
                "/v1/branches/%C2%84/changes",
                token: harness.tokens[ServiceHarness.hq]
            )
            #expect(listing.status == 400)
            #expect(listing.body.contains("branch"))
            for branch in ["../central", "bj\\u0000", String(repeating: "b", count: 65)] {
                let reply = try await RawHTTP.exchange(
                    port: port,
                    "POST",
                    "/v1/push",
                    token: harness.tokens[ServiceHarness.branch],
                    body: Array(#"{"branch":"\#(branch)","operations":[]}"#.utf8)
                )
                #expect(reply.status == 400, "\(branch)")
                #expect(reply.body.contains("request.branch must be a node name"), "\(branch)")
            }
        }
    }

    @Test func anAmendNamingNoInvoiceFieldIs422AndChangesNothing() async throws {
        try await ServiceHarness.run { harness in
            let operation = try harness.create(1)
            _ = try await harness.remote().push([operation], branch: ServiceHarness.branch)
            let path = "/v1/invoices/\(operation.invoice.id.uuidString)/amend"
            for fields in [#"{"buyer.nmae":"北京客户有限公司"}"#, #"{"note":"x","nosuch":"y"}"#, #"{"":"x"}"#] {
                let reply = try await RawHTTP.exchange(
                    port: harness.running.address.port,
                    "POST",
                    path,
                    token: harness.tokens[ServiceHarness.hq],
                    body: Array(#"{"fields":\#(fields)}"#.utf8)
                )
                #expect(reply.status == 422, "\(fields)")
                #expect(reply.body.contains("is not an invoice field"), "\(fields)")
            }
            let current = try #require(try await harness.store.lookup([operation.invoice.id]).found.first)
            #expect(current.clock == operation.clock)
            #expect(current.invoice == operation.invoice)
        }
    }

    @Test func anEmptyActorIs400() async throws {
        try await ServiceHarness.run { harness in
            let operation = try harness.create(1)
            _ = try await harness.remote().push([operation], branch: ServiceHarness.branch)
            let reply = try await RawHTTP.exchange(
                port: harness.running.address.port,
                "POST",
                "/v1/invoices/\(operation.invoice.id.uuidString)/void",
                token: harness.tokens[ServiceHarness.hq],
                body: Array(#"{"reason":"issued twice","actor":" "}"#.utf8)
            )
            #expect(reply.status == 400)
            #expect(reply.body.contains("request.actor"))
            #expect(try await harness.store.lookup([operation.invoice.id]).found.first?.invoice.void == nil)
        }
    }

    @Test func errorsOfRefusedEditsAreSentences() async throws {
        try await ServiceHarness.run { harness in
            let operation = try harness.create(1)
            _ = try await harness.remote().push([operation], branch: ServiceHarness.branch)
            let reply = try await RawHTTP.exchange(
                port: harness.running.address.port,
                "POST",
                "/v1/invoices/\(operation.invoice.id.uuidString)/void",
                token: harness.tokens[ServiceHarness.hq],
                body: Array(#"{"reason":"  "}"#.utf8)
            )
            #expect(reply.status == 422)
            let error = try WireObject(try JSONValue.parse(reply.body), context: "reply").string("error")
            #expect(error == "reason must not be empty when voiding an invoice.")
        }
    }

    @Test func aBodyNotDeclaredJSONIs415() async throws {
        try await ServiceHarness.run { harness in
            let port = harness.running.address.port
            let push = #"{"branch":"bj-01","operations":[]}"#
            let token = try #require(harness.tokens[ServiceHarness.branch])
            for type in ["text/plain", nil, "application/x-www-form-urlencoded", "application/json; charset=latin1"] {
                let reply = try await rawRequest(port: port, post("/v1/push", token: token, type: type, body: push))
                #expect(reply.status == 415, "\(type ?? "no Content-Type")")
                #expect(reply.body.contains("application/json"), "\(type ?? "no Content-Type")")
            }
            for type in ["application/json; charset=utf-8", "Application/JSON", "application/json;charset=\"UTF-8\""] {
                let reply = try await rawRequest(port: port, post("/v1/push", token: token, type: type, body: push))
                #expect(reply.status == 200, "\(type)")
            }
        }
    }

    @Test func aBodyCutShortIs400() async throws {
        try await ServiceHarness.run { harness in
            let token = try #require(harness.tokens[ServiceHarness.branch])
            let head = post("/v1/push", token: token, type: "application/json", body: nil)
            let cutShort = try await rawRequest(
                port: harness.running.address.port,
                head + Array("Content-Length: 100\r\n\r\n{\"branch\":".utf8),
                halfClose: true
            )
            #expect(cutShort.status == 400)
            #expect(cutShort.body.contains("ended before"))
            let chunked = try await rawRequest(
                port: harness.running.address.port,
                head + Array("Transfer-Encoding: chunked\r\n\r\n40\r\n{\"branch\":".utf8),
                halfClose: true
            )
            #expect(chunked.status == 400)
        }
    }

    @Test func aBodyAnnouncedPastTheLimitIs413BeforeItIsSent() async throws {
        // The connection stays open: the answer must come from the announcement alone.
        try await ServiceHarness.run { harness in
            let token = try #require(harness.tokens[ServiceHarness.branch])
            let head = post("/v1/push", token: token, type: "application/json", body: nil)
            let reply = try await rawRequest(
                port: harness.running.address.port,
                head + Array("Content-Length: \(1 << 40)\r\n\r\n[".utf8),
                halfClose: false
            )
            #expect(reply.status == 413)
            #expect(reply.body.contains("larger than"))
        }
    }
}

/// The head of a POST with `Connection: close`; with a body, its Content-Length and the body.
private func post(_ path: String, token: String, type: String?, body: String?) -> [UInt8] {
    var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer \(token)\r\n"
    if let type { head += "Content-Type: \(type)\r\n" }
    guard let body else { return Array(head.utf8) }
    return Array((head + "Content-Length: \(body.utf8.count)\r\n\r\n" + body).utf8)
}

/// The value of a header of `reply`, or `nil`.
private func header(_ name: String, of reply: RawHTTP.Reply) -> String? {
    let head = String(decoding: reply.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n").first ?? ""
    for line in head.components(separatedBy: "\r\n").dropFirst() {
        let parts = line.split(separator: ":", maxSplits: 1)
        if parts.count == 2, parts[0].lowercased() == name.lowercased() {
            return parts[1].trimmingCharacters(in: .whitespaces)
        }
    }
    return nil
}

/// Writes `request` as it is on a new connection to 127.0.0.1:`port` (then, with `halfClose`,
/// shuts the sending side) and reads until the server closes or 20 s pass.
private func rawRequest(port: Int, _ request: [UInt8], halfClose: Bool = false) async throws -> RawHTTP.Reply {
    try await onThread {
        #if canImport(Glibc)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            if written <= 0 { break }
            sent += written
        }
        if halfClose { shutdown(fd, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return RawHTTP.Reply(bytes: received)
    }
}
