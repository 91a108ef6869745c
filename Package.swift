// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "claude-telemetry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "claude-telemetry-fcgi", targets: ["claude-telemetry-fcgi"]),
        .executable(name: "claude-telemetry", targets: ["claude-telemetry"]),
        .library(name: "TelemetryCore", targets: ["TelemetryCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C boundaries: each is a module map over a system header, nothing more.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CFastCGI",
            pkgConfig: "fcgi",
            providers: [.apt(["libfcgi-dev"])]
        ),

        // Generated from Protos/ by scripts/generate-protos.sh; never edited by hand.
        .target(
            name: "OTLPProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),

        // Transport-free core: decoding, aggregation, storage, users.
        .target(
            name: "TelemetryCore",
            dependencies: [
                "CZlib",
                "OTLPProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),

        // Transport-free read side: summaries, team roll-up, groups and CSV over stored documents.
        .target(
            name: "TelemetryRead",
            dependencies: ["TelemetryCore"]
        ),

        // Transport-free request handling: routes, OTLP answers, error-to-status mapping.
        .target(
            name: "TelemetryService",
            dependencies: [
                "TelemetryCore",
                "TelemetryRead",
                "OTLPProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The only target that imports libfcgi.
        .target(
            name: "FastCGI",
            dependencies: ["CFastCGI"]
        ),

        .executableTarget(
            name: "claude-telemetry-fcgi",
            dependencies: [
                "FastCGI",
                "TelemetryService",
                "TelemetryCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "claude-telemetry",
            dependencies: [
                "TelemetryCore",
                "TelemetryRead",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Microbenchmarks of the core, run by Benchmarks/run.sh.
        .executableTarget(
            name: "telemetry-bench",
            dependencies: ["TelemetryCore", "TelemetryService", "TelemetryRead", "OTLPProto"]
        ),

        .testTarget(
            name: "TelemetryCoreTests",
            dependencies: ["TelemetryCore", "OTLPProto"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TelemetryServiceTests",
            dependencies: ["TelemetryService", "TelemetryCore", "OTLPProto"]
        ),
        .testTarget(
            name: "TelemetryReadTests",
            dependencies: ["TelemetryRead", "TelemetryCore"]
        ),
    ]
)
