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
        .library(name: "FapiaoTesting", targets: ["FapiaoTesting"]),
        .executable(name: "fapiao", targets: ["fapiao"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .target(
            name: "Schema",
            path: "Schema",
            exclude: ["README.md"],
            resources: [.embedInCode("journal")],
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
            name: "FapiaoTesting",
            dependencies: ["FapiaoCore", "FapiaoJournal"],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "fapiao",
            dependencies: [
                "FapiaoCore",
                "FapiaoJournal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "fapiao-bench",
            dependencies: ["FapiaoCore", "FapiaoJournal"],
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
    ],
    swiftLanguageModes: [.v6]
)
