// swift-tools-version:6.1
import PackageDescription

#if canImport(Glibc)
import Glibc

/// Whether the C library loading the programs reads packed relative relocations (`DT_RELR`),
/// which glibc does from 2.36 on (Debian 12).
let loaderReadsPackedRelocations: Bool = {
    // "glibc 2.36"; confstr answers 0 where the C library is not glibc.
    var text = [CChar](repeating: 0, count: 64)
    guard confstr(Int32(_CS_GNU_LIBC_VERSION), &text, text.count) > 0 else { return false }
    let words = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(separator: " ")
    guard words.count == 2, words[0] == "glibc" else { return false }
    let version = words[1].split(separator: ".").compactMap { Int($0) }
    return version.count >= 2 && (version[0], version[1]) >= (2, 36)
}()
#else
let loaderReadsPackedRelocations = false
#endif

/// How the two programs are linked on Linux, for a short start: a clerk's `fapiao enqueue` is one
/// process per invoice (Tools/bench/README.md, section c).
///
/// - `--no-export-dynamic`: a build with `--static-swift-stdlib` links with `-export-dynamic`,
///   which puts some 57,000 symbols in the dynamic symbol table, and the Swift runtime walks them
///   (`dladdr`) at every start. Nothing looks their symbols up at run time.
/// - lld with `-z pack-relative-relocs`: the position-independent program carries some 151,000
///   relative relocations, one per pointer in its metadata and witness tables, which the loader
///   applies at every start. As 24-byte `RELA` entries they are a 3.6 MB table the loader reads
///   page by page; packed (`RELR`, a bitmap) they take 30 KB. The toolchain's default linker
///   (gold) cannot pack them; lld ships in the Swift toolchain, beside `swift`.
let startQuickly: [LinkerSetting] =
    [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]
    + (loaderReadsPackedRelocations
        ? [
            .unsafeFlags(
                ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                .when(platforms: [.linux])
            )
        ]
        : [])

/// The settings of every target of the package.
///
/// No unsafe flags here, so that the library products stay usable by other packages: the
/// release build's compiler flag for a faster start is passed to every package by
/// `Tools/build-release` instead.
let common: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Fapiao",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FapiaoCore", targets: ["FapiaoCore"]),
        .library(name: "FapiaoRemote", targets: ["FapiaoRemote"]),
        .library(name: "FapiaoJournal", targets: ["FapiaoJournal"]),
        .library(name: "FapiaoSync", targets: ["FapiaoSync"]),
        .library(name: "FapiaoHTTP", targets: ["FapiaoHTTP"]),
        .library(name: "FapiaoExec", targets: ["FapiaoExec"]),
        .library(name: "FapiaoCentralStore", targets: ["FapiaoCentralStore"]),
        .library(name: "FapiaoPostgres", targets: ["FapiaoPostgres"]),
        .library(name: "FapiaoCentralService", targets: ["FapiaoCentralService"]),
        .library(name: "FapiaoTesting", targets: ["FapiaoTesting"]),
        .library(name: "FapiaoFuzzing", targets: ["FapiaoFuzzing"]),
        .executable(name: "fapiao", targets: ["fapiao"]),
        .executable(name: "fapiao-central", targets: ["fapiao-central"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Layers, one direction only (../shared/DESIGN.md §2):
        //   Schema (embedded migrations and jurisdiction profiles, data only)
        //   <- FapiaoCore (pure values and rules, no I/O)
        //     <- FapiaoRemote (the seam: RemoteAdapter, RemoteError, RemoteLocation, wire documents)
        //          <- FapiaoJournal <- FapiaoSync     the branch
        //          <- FapiaoHTTP, FapiaoExec          remote adapters
        //          <- FapiaoCentralStore <- FapiaoPostgres, FapiaoCentralService   the centre
        //     <- FapiaoCommandSupport (exit codes, error reporting, secret files)
        //   <- fapiao, fapiao-central (parsing and printing)
        .target(
            name: "Schema",
            path: "Schema",
            exclude: ["README.md", "openapi.yaml", "exec-protocol.md", "profiles/README.md"],
            resources: [.embedInCode("journal"), .embedInCode("central"), .embedInCode("profiles")],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoCore",
            dependencies: [
                "Schema",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoRemote",
            dependencies: ["FapiaoCore"],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoFailpoints",
            swiftSettings: common
        ),
        // One SQLite call Swift cannot make (a C variadic function), for the journal.
        .target(
            name: "CSQLiteConnection",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        .target(
            name: "FapiaoSQLiteFiles",
            dependencies: [
                "CSQLiteConnection",
                "FapiaoCore",
                "FapiaoFailpoints",
                "Schema",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoJournal",
            dependencies: [
                "FapiaoCore",
                "FapiaoSQLiteFiles",
                "FapiaoRemote",
                "FapiaoFailpoints",
                "Schema",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoSync",
            dependencies: [
                "FapiaoCore",
                "FapiaoRemote",
                "FapiaoJournal",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoHTTP",
            dependencies: [
                "FapiaoCore",
                "FapiaoRemote",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoExec",
            dependencies: ["FapiaoCore", "FapiaoRemote"],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoCentralStore",
            dependencies: [
                "FapiaoSQLiteFiles",
                "FapiaoCore",
                "FapiaoRemote",
                "FapiaoFailpoints",
                "Schema",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoPostgres",
            dependencies: [
                "FapiaoCore",
                "FapiaoRemote",
                "FapiaoFailpoints",
                "FapiaoCentralStore",
                "Schema",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoCentralService",
            dependencies: [
                "FapiaoCore",
                "FapiaoRemote",
                "FapiaoCentralStore",
                "FapiaoNotify",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.embedInCode("Console/Templates")],
            swiftSettings: common
        ),
        .target(
            // Where alerts and notices go: a program's standard input or a webhook (both executables).
            name: "FapiaoNotify",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoCommandSupport",
            dependencies: [
                "FapiaoCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common
        ),
        .target(
            name: "FapiaoTesting",
            dependencies: ["FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoCentralStore"],
            swiftSettings: common
        ),
        .executableTarget(
            name: "fapiao",
            dependencies: [
                "FapiaoCore",
                "FapiaoRemote",
                "FapiaoJournal",
                "FapiaoSync",
                "FapiaoHTTP",
                "FapiaoExec",
                "FapiaoCentralStore",
                "FapiaoPostgres",
                "FapiaoCentralService",
                "FapiaoCommandSupport",
                "FapiaoNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common,
            linkerSettings: startQuickly
        ),
        .executableTarget(
            name: "fapiao-central",
            dependencies: [
                "FapiaoCore",
                "FapiaoRemote",
                "FapiaoCentralStore",
                "FapiaoPostgres",
                "FapiaoCentralService",
                "FapiaoCommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common,
            linkerSettings: startQuickly
        ),
        .target(
            name: "FapiaoFuzzing",
            dependencies: ["FapiaoCore", "FapiaoRemote", "FapiaoJournal"],
            swiftSettings: common
        ),
        .executableTarget(
            name: "fapiao-fuzz",
            dependencies: ["FapiaoFuzzing", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/reliability/fuzz/Sources/fapiao-fuzz",
            swiftSettings: common
        ),
        .executableTarget(
            name: "fapiao-bench",
            dependencies: ["FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoCentralStore"],
            path: "Tools/bench/Sources/fapiao-bench",
            swiftSettings: common
        ),
        .testTarget(
            name: "FapiaoCoreTests",
            dependencies: ["FapiaoCore", "FapiaoTesting", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: common
        ),
        .testTarget(
            name: "FapiaoRemoteTests",
            dependencies: ["FapiaoCore", "FapiaoRemote", "FapiaoTesting"],
            swiftSettings: common
        ),
        .testTarget(
            name: "FapiaoJournalTests",
            dependencies: [
                "FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoTesting", "FapiaoFuzzing",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],  // read from the source tree (#filePath)
            swiftSettings: common
        ),
        .testTarget(
            name: "FapiaoSyncTests",
            dependencies: [
                "FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoSync", "FapiaoCentralStore", "FapiaoTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: common
        ),
        .testTarget(
            name: "FapiaoCentralTests",
            dependencies: [
                "Schema", "FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoSync", "FapiaoCentralStore",
                "FapiaoCentralService", "FapiaoHTTP", "FapiaoExec", "FapiaoPostgres", "FapiaoTesting", "FapiaoNotify",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common
        ),
        .testTarget(
            name: "FapiaoCommandSupportTests",
            dependencies: [
                "FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoSync", "FapiaoCentralStore",
                "FapiaoCentralService", "FapiaoCommandSupport", "FapiaoTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: common
        ),
    ],
    swiftLanguageModes: [.v6]
)
