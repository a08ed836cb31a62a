import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemConnect = Glibc.connect
#elseif canImport(Darwin)
private let systemConnect = Darwin.connect
#endif

/// Runs blocking work on a thread of its own, so it never holds one of the few threads of the
/// cooperative pool that the service under test needs to answer.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

/// A bare HTTP/1.1 exchange over a plain socket, to see exactly what the service sends back
/// (or that it sends nothing at all), with no client library interpreting it.
enum RawHTTP {
    /// What came back on the connection before the server closed it.
    struct Reply {
        var bytes: [UInt8]

        /// The status code of the first line, or `nil` when nothing (or no status line) came.
        var status: Int? {
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.hasPrefix("HTTP/1.1 ") else { return nil }
            return Int(text.dropFirst(9).prefix(3))
        }

        /// The value of a header of the answer (the first one named so, case-insensitively).
        func header(_ name: String) -> String? {
            let text = String(decoding: bytes, as: UTF8.self)
            let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
            for line in head.components(separatedBy: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }

        /// The body after the blank line.
        var body: String {
            let text = String(decoding: bytes, as: UTF8.self)
            guard let range = text.range(of: "\r\n\r\n") else { return "" }
            return String(text[range.upperBound...])
        }
    }

    /// Sends one request with `Connection: close` and reads until the server closes.
    ///
    /// - Parameters:
    ///   - port: the service's port on 127.0.0.1.
    ///   - method: `GET`, `POST`.
    ///   - path: the request target.
    ///   - token: the bearer token, if any.
    ///   - body: the request body.
    /// - Returns: every byte received.
    /// - Throws: `POSIXError` when the connection cannot be made.
    static func exchange(
        port: Int,
        _ method: String,
        _ path: String,
        token: String? = nil,
        body: [UInt8] = []
    ) async throws -> Reply {
        try await onThread { try blockingExchange(port: port, method, path, token: token, body: body) }
    }

    private static func blockingExchange(
        port: Int,
        _ method: String,
        _ path: String,
        token: String?,
        body: [UInt8]
    )
        throws -> Reply
    {
        let socket = try connect(port: port)
        defer { close(socket) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if !body.isEmpty || method == "POST" {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        let request = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            if written <= 0 { break }  // the server may close before reading everything
            sent += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                Issue.record("the service neither answered nor closed the connection within 20 s")
                break
            }
            if count <= 0 { break }  // closed (or reset)
            received.append(contentsOf: buffer[0..<count])
        }
        return Reply(bytes: received)
    }

    /// Starts a POST that stalls: it announces `declaredLength` bytes and sends only `partialBody`.
    ///
    /// The connection stays open until ``finish(_:)`` closes it.
    static func startPost(
        port: Int,
        _ path: String,
        token: String?,
        declaredLength: Int,
        partialBody: [UInt8]
    ) async throws -> Int32 {
        try await onThread {
            let socket = try connect(port: port)
            var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            head += "Content-Type: application/json\r\nContent-Length: \(declaredLength)\r\n\r\n"
            let request = Array(head.utf8) + partialBody
            var sent = 0
            while sent < request.count {
                let written = request[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
                if written <= 0 { break }
                sent += written
            }
            return socket
        }
    }

    /// Whether the server has answered (or closed) a connection opened by
    /// ``startPost(port:_:token:declaredLength:partialBody:)``, without waiting.
    static func hasAnswered(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 1
    }

    /// Closes a connection opened by ``startPost(port:_:token:declaredLength:partialBody:)``.
    static func finish(_ socket: Int32) {
        close(socket)
    }

    /// A port on 127.0.0.1 on which nothing listens (bound, then closed at once).
    static func closedPort() throws -> Int {
        let socket = try makeSocket()
        defer { close(socket) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0, "cannot bind a probe socket")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func connect(port: Int) throws -> Int32 {
        let socket = try makeSocket()
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemConnect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw POSIXError(.ECONNREFUSED)
        }
        return socket
    }

    private static func makeSocket() throws -> Int32 {
        #if canImport(Glibc)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        return socket
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
