// swift-tools-version:6.1
import PackageDescription

/// The two programs export none of their own symbols.
///
/// A build with `--static-swift-stdlib` links with `-export-dynamic`, which puts some 57,000
/// symbols in the dynamic symbol table, and the Swift runtime walks them (`dladdr`) at every
/// start: 1.9 of the 27 million instructions of a `fapiao enqueue` process
/// (Tools/bench/README.md). Nothing looks their symbols up at run time.
let exportNothing: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]

let upcoming: [SwiftSetting] = [
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
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoCore",
            dependencies: [
                "Schema",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoRemote",
            dependencies: ["FapiaoCore"],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoFailpoints",
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoSQLiteFiles",
            dependencies: [
                "FapiaoCore",
                "FapiaoFailpoints",
                "Schema",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
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
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoSync",
            dependencies: [
                "FapiaoCore",
                "FapiaoRemote",
                "FapiaoJournal",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
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
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoExec",
            dependencies: ["FapiaoCore", "FapiaoRemote"],
            swiftSettings: upcoming
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
            swiftSettings: upcoming
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
            swiftSettings: upcoming
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
            swiftSettings: upcoming
        ),
        .target(
            // Where alerts and notices go: a program's standard input or a webhook (both executables).
            name: "FapiaoNotify",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoCommandSupport",
            dependencies: [
                "FapiaoCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoTesting",
            dependencies: ["FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoCentralStore"],
            swiftSettings: upcoming
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
            swiftSettings: upcoming,
            linkerSettings: exportNothing
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
            swiftSettings: upcoming,
            linkerSettings: exportNothing
        ),
        .target(
            name: "FapiaoFuzzing",
            dependencies: ["FapiaoCore", "FapiaoRemote", "FapiaoJournal"],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "fapiao-fuzz",
            dependencies: ["FapiaoFuzzing", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/reliability/fuzz/Sources/fapiao-fuzz",
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "fapiao-bench",
            dependencies: ["FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoCentralStore"],
            path: "Tools/bench/Sources/fapiao-bench",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FapiaoCoreTests",
            dependencies: ["FapiaoCore", "FapiaoTesting", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FapiaoRemoteTests",
            dependencies: ["FapiaoCore", "FapiaoRemote", "FapiaoTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FapiaoJournalTests",
            dependencies: [
                "FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoTesting", "FapiaoFuzzing",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],  // read from the source tree (#filePath)
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FapiaoSyncTests",
            dependencies: [
                "FapiaoCore", "FapiaoRemote", "FapiaoJournal", "FapiaoSync", "FapiaoCentralStore", "FapiaoTesting",
            ],
            swiftSettings: upcoming
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
            swiftSettings: upcoming
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
            swiftSettings: upcoming
        ),
    ],
    swiftLanguageModes: [.v6]
)
