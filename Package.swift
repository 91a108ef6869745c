// swift-tools-version:6.0
import PackageDescription

/// One language mode and one set of upcoming features for every target: `any` spelled out
/// for existentials, and a member visible only where its module is imported.
let generatedCodeSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Hand-written targets also import privately unless an import says otherwise (`package
/// import` where a module's types appear in this package's own declarations); nothing is
/// `public`, since the package ships executables only (after Hummingbird).
let swiftSettings: [SwiftSetting] = generatedCodeSettings + [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "claude-telemetry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "claude-telemetry-fcgi", targets: ["claude-telemetry-fcgi"]),
        .executable(name: "claude-telemetry", targets: ["claude-telemetry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // SHA-256 (admin tokens, ETags): Crypto, BoringSSL underneath on Linux.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // C boundaries: each is a module map over a system header, nothing more.
        // glibc's malloc.h (mallopt, malloc_trim): the responder hands large bodies' memory back.
        .systemLibrary(name: "CMalloc"),
        // prctl(PR_SET_PDEATHSIG): a responder ends when its master dies.
        .systemLibrary(name: "CProcessControl"),
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

        // The platform's C library behind one import, one EINTR-retrying call wrapper and one
        // errno error type.
        .target(
            name: "SystemCalls",
            dependencies: [.product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: swiftSettings
        ),

        // Generated from Protos/ by scripts/generate-protos.sh; never edited by hand.
        // Only TelemetryReference (tests, fuzzing, benchmarks) depends on it.
        .target(
            name: "OTLPProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: generatedCodeSettings
        ),

        // 1. Bytes to batches: content encodings, the inflater, the protobuf and OTLP/JSON
        //    decoders, the JSON scanner they share, and the batch model they produce.
        .target(
            name: "TelemetryDecoding",
            dependencies: ["CZlib"],
            swiftSettings: swiftSettings
        ),

        // 2. Batches to stored documents: aggregation, the aggregate document and its coding,
        //    storage (lock, atomic replace, reading a stored document), users, access tokens,
        //    attribution, ingestion and the settings table.
        .target(
            name: "TelemetryStore",
            dependencies: [
                "TelemetryDecoding", "SystemCalls", "CZlib", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // 3. Stored documents to answers: summaries, team roll-up, groups, CSV and the
        //    Prometheus exposition. Depends on the store, never on transport.
        .target(
            name: "TelemetryRead",
            dependencies: ["TelemetryStore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),

        // What only the admin CLI uses: verify, prune, stats, the user list, exporter settings.
        .target(
            name: "TelemetryAdmin",
            dependencies: ["SystemCalls", "TelemetryStore", "TelemetryRead"],
            swiftSettings: swiftSettings
        ),

        // The swift-protobuf decoding path the hand-written decoders are checked against.
        // Used only by tests, fuzzing and benchmarks: no production binary links it.
        .target(
            name: "TelemetryReference",
            dependencies: [
                "TelemetryDecoding",
                "TelemetryStore",
                "OTLPProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        // Transport-free request handling: routes, OTLP answers, error-to-status mapping.
        .target(
            name: "TelemetryService",
            dependencies: [
                "TelemetryDecoding",
                "TelemetryStore",
                "TelemetryRead",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // The only target that imports libfcgi.
        .target(
            name: "FastCGI",
            dependencies: ["CFastCGI", "SystemCalls"],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "claude-telemetry-fcgi",
            dependencies: [
                "CMalloc",
                "CProcessControl",
                "FastCGI",
                "SystemCalls",
                "TelemetryService",
                "TelemetryStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "claude-telemetry",
            dependencies: [
                "SystemCalls",
                "TelemetryDecoding",
                "TelemetryStore",
                "TelemetryRead",
                "TelemetryAdmin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Microbenchmarks of the core, run by Benchmarks/run.sh.
        .executableTarget(
            name: "telemetry-bench",
            dependencies: [
                "TelemetryDecoding", "TelemetryStore", "TelemetryService", "TelemetryRead",
                "TelemetryReference", "OTLPProto",
            ],
            swiftSettings: swiftSettings
        ),

        // What every test target shares: the fixtures (made by the real OpenTelemetry Python
        // encoders), request builders, and the sandboxes a test runs a store or the service in.
        // A library target of the tests only: nothing the product builds depends on it.
        .target(
            name: "TelemetryTesting",
            dependencies: [
                "CZlib", "SystemCalls", "TelemetryDecoding", "TelemetryStore", "TelemetryRead", "TelemetryService",
                "TelemetryReference", "OTLPProto", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/TelemetryTesting",
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),

        // One test target per code target.
        .testTarget(
            name: "TelemetryDecodingTests",
            dependencies: ["TelemetryTesting", "TelemetryDecoding", "TelemetryStore", "TelemetryReference", "OTLPProto"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelemetryStoreTests",
            dependencies: [
                "TelemetryTesting", "SystemCalls", "TelemetryDecoding", "TelemetryStore", "TelemetryReference",
                "OTLPProto", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelemetryReadTests",
            dependencies: ["TelemetryTesting", "TelemetryRead", "TelemetryStore", "TelemetryDecoding"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelemetryAdminTests",
            dependencies: [
                "TelemetryTesting", "SystemCalls", "TelemetryAdmin", "TelemetryStore", "TelemetryDecoding", "OTLPProto",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelemetryServiceTests",
            dependencies: [
                "TelemetryTesting", "TelemetryService", "TelemetryDecoding", "TelemetryStore", "TelemetryRead",
                "TelemetryReference", "OTLPProto",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
