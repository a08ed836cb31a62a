import FapiaoCentralStore
import FapiaoPostgres
import Testing

@Suite struct PostgresLocationTests {
    @Test func aURLIsReadTheWayLibpqReadsIt() throws {
        let location = try PostgresLocation(
            url: "postgres://fapiao:s3cr%40t@db.example.cn:6543/central?sslmode=verify-full"
        )
        #expect(location.host == "db.example.cn")
        #expect(location.port == 6543)
        #expect(location.username == "fapiao")
        #expect(location.password == "s3cr@t")
        #expect(location.database == "central")
        #expect(location.tlsMode == .verifyFull)
        let plain = try PostgresLocation(url: "postgresql://hq@10.0.0.5/fapiao")
        #expect(plain.port == 5432)
        #expect(plain.tlsMode == .prefer)
        #expect(plain.password == nil)
        #expect(!plain.hasPassword)
    }

    @Test func printingALocationNeverShowsThePassword() throws {
        let location = try PostgresLocation(url: "postgres://fapiao:hunter2@db:5433/central?sslmode=require")
        #expect(location.redacted == "postgres://fapiao@db:5433/central?sslmode=require")
        #expect(!"\(location)".contains("hunter2"))
        #expect(!String(reflecting: location).contains("hunter2"))
        #expect(location.with(password: nil).password == nil)
    }

    @Test(arguments: [
        ("mysql://a@b/c", "must start with postgres://"),
        ("postgres://a@/c", "names no host"),
        ("postgres://db.example.cn/c", "names no user"),
        ("postgres://a@b", "must name one database"),
        ("postgres://a@b/c/d", "must name one database"),
        ("postgres://a@b/c?sslmode=always", "sslmode=always"),
        ("postgres://a@b/c?pool=9", "the option pool"),
        ("postgres://a@b:0/c", "outside 1…65535"),
    ])
    func aMalformedURLNamesWhatIsWrong(url: String, expected: String) {
        #expect {
            try PostgresLocation(url: url)
        } throws: { error in
            guard let error = error as? CentralStoreError else { return false }
            return error.code == .invalidLocation && error.message.contains(expected)
        }
    }
}
