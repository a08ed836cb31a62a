// swift-tools-version:6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Fapiao",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FapiaoCore", targets: ["FapiaoCore"]),
        .library(name: "FapiaoJournal", targets: ["FapiaoJournal"]),
        .library(name: "FapiaoSync", targets: ["FapiaoSync"]),
        .library(name: "FapiaoCentral", targets: ["FapiaoCentral"]),
        .library(name: "FapiaoPostgres", targets: ["FapiaoPostgres"]),
        .library(name: "FapiaoHTTP", targets: ["FapiaoHTTP"]),
        .library(name: "FapiaoTesting", targets: ["FapiaoTesting"]),
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
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "Schema",
            path: "Schema",
            exclude: ["README.md", "openapi.yaml"],
            resources: [.embedInCode("journal"), .embedInCode("central")],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoJournal",
            dependencies: [
                "FapiaoCore",
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
                "FapiaoJournal",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoCentral",
            dependencies: [
                "FapiaoCore",
                "FapiaoSync",
                "Schema",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoPostgres",
            dependencies: [
                "FapiaoCore",
                "FapiaoCentral",
                "Schema",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoHTTP",
            dependencies: [
                "FapiaoCore",
                "FapiaoSync",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "FapiaoTesting",
            dependencies: ["FapiaoCore", "FapiaoJournal", "FapiaoSync", "FapiaoCentral"],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "fapiao",
            dependencies: [
                "FapiaoCore",
                "FapiaoJournal",
                "FapiaoSync",
                "FapiaoCentral",
                "FapiaoHTTP",
                "FapiaoPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "fapiao-central",
            dependencies: [
                "FapiaoCore",
                "FapiaoCentral",
                "FapiaoPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "fapiao-bench",
            dependencies: ["FapiaoCore", "FapiaoJournal", "FapiaoCentral"],
            path: "Tools/bench/Sources/fapiao-bench",
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FapiaoCoreTests",
            dependencies: ["FapiaoCore", "FapiaoTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FapiaoJournalTests",
            dependencies: [
                "FapiaoCore", "FapiaoJournal", "FapiaoTesting", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FapiaoSyncTests",
            dependencies: ["FapiaoCore", "FapiaoJournal", "FapiaoSync", "FapiaoCentral", "FapiaoTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "FapiaoCentralTests",
            dependencies: [
                "FapiaoCore", "FapiaoJournal", "FapiaoSync", "FapiaoCentral", "FapiaoHTTP", "FapiaoPostgres",
                "FapiaoTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
    ],
    swiftLanguageModes: [.v6]
)
