import FapiaoRemote
import Foundation
import Testing

/// The one parser of `--remote` and `--store` locations.
@Suite struct RemoteLocationTests {
    @Test func eachSchemeIsReadInOnePlace() throws {
        #expect(try RemoteLocation("http://127.0.0.1:8080/") == .http(URL(string: "http://127.0.0.1:8080")!))
        #expect(try RemoteLocation("https://hq.example/fapiao") == .http(URL(string: "https://hq.example/fapiao")!))
        #expect(try RemoteLocation("sqlite:/srv/central.sqlite") == .sqlite(path: "/srv/central.sqlite"))
        #expect(try RemoteLocation("postgres://bj01@db/fapiao") == .postgres(url: "postgres://bj01@db/fapiao"))
        #expect(try RemoteLocation("postgresql://bj01@db/fapiao") == .postgres(url: "postgresql://bj01@db/fapiao"))
        #expect(
            try RemoteLocation("exec:/opt/upload --store '/srv/my store.sqlite' -v")
                == .exec(program: "/opt/upload", arguments: ["--store", "/srv/my store.sqlite", "-v"])
        )
        #expect(
            try RemoteLocation(#"exec:upload "a \"b\"" c\ d"#)
                == .exec(program: "upload", arguments: [#"a "b""#, "c d"])
        )
    }

    @Test(arguments: [
        ("http://user:secret@hq.example:8080", "password"),
        ("http://user@hq.example:8080", "user name"),
        ("https://u:p@hq.example", "password"),
        ("postgres://bj01:secret@db/fapiao", "password"),
        ("ftp://hq.example", "must start with"),
        ("hq.example:8080", "must start with"),
        ("sqlite:", "needs a path"),
        ("exec:", "needs a program"),
        ("exec:'unclosed", "unclosed quote"),
        ("http://hq.example/?token=x", "query"),
        ("http:///nohost", "host"),
    ])
    func badLocationsAreRefusedNamingTheRule(text: String, rule: String) {
        do {
            let location = try RemoteLocation(text)
            Issue.record("\(text) was accepted as \(location)")
        } catch {
            #expect(error.message.hasPrefix("--remote "))
            #expect(error.message.contains(rule), "\(error.message)")
            #expect(!error.message.contains("secret"))
        }
    }

    @Test func aPasswordIsAllowedOnlyFromASecretFileAndNeverPrinted() throws {
        let url = "postgres://hq:Secret-Canary@db.example/fapiao?sslmode=require"
        #expect(throws: RemoteLocationError.self) { try RemoteLocation(url, what: "--store") }
        let location = try RemoteLocation(url, source: .secretFile, what: "--store")
        #expect(location == .postgres(url: url))
        #expect(!location.description.contains("Secret-Canary"))
        #expect(location.description.contains("db.example/fapiao"))
    }

    @Test func execLocationsPrintBackAsTheyParse() throws {
        let location = RemoteLocation.exec(program: "/opt/up load", arguments: ["it's", "plain"])
        #expect(try RemoteLocation(location.description) == location)
        #expect(location.scheme == "exec")
    }

    @Test func onlyThisMachineIsLoopback() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "hq.localhost"] {
            #expect(RemoteLocation.isLoopback(host: host), "\(host)")
        }
        for host in [
            "hq.example", "10.0.0.1", "127.0.0.1.example", "128.0.0.1", "0.0.0.0", "127.0.0.256", "127.00.0.1", "",
        ] {
            #expect(!RemoteLocation.isLoopback(host: host), "\(host)")
        }
    }
}
