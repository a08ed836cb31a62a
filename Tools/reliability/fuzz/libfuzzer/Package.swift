// swift-tools-version: 6.0
// The libFuzzer build of the fuzz targets (FapiaoFuzzing), kept out of the main package so that
// its normal build never needs the fuzzer runtime. Built by Tools/reliability/parts/fuzz:
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which is whatever the clone was called.
let root = URL(fileURLWithPath: Context.packageDirectory)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "FapiaoLibFuzzer",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(
            name: "fapiao-libfuzzer",
            dependencies: [.product(name: "FapiaoFuzzing", package: root.lastPathComponent.lowercased())]
        )
    ]
)
