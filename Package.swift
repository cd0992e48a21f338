// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "DriftTune",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "drifttune", targets: ["drifttune"]),
        .library(name: "Linalg", targets: ["Linalg"]),
        .library(name: "Learners", targets: ["Learners"]),
        .library(name: "DriftDetection", targets: ["DriftDetection"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "PolicyGradient", targets: ["PolicyGradient"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "PolicyRuntime", targets: ["PolicyRuntime"]),
        .library(name: "PolicyRegistry", targets: ["PolicyRegistry"]),
        .library(name: "ProductionLearner", targets: ["ProductionLearner"]),
        .library(name: "YAMLConfig", targets: ["YAMLConfig"]),
        // The tuning environments behind a C ABI, for Python (python/drifttune_gym) and other hosts.
        .library(name: "DriftTuneCABI", type: .dynamic, targets: ["DriftTuneCABI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // The only C face of BLAS; only Linalg imports it.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Linalg", dependencies: ["COpenBLAS"]),
        // Output files written safely (atomic replace of regular files, write-through otherwise) and short input excerpts.
        .target(name: "SafeFiles"),
        // The one reader (and error type) of environment specs, scenarios and training settings.
        .target(name: "YAMLConfig", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Learners", dependencies: ["Linalg"]),
        .target(name: "DriftDetection"),
        .target(
            name: "Simulation",
            dependencies: ["Linalg", "Learners", "DriftDetection", "ProductionLearner", "PolicyRuntime", "YAMLConfig",
                           .product(name: "Yams", package: "Yams")]
        ),
        // The agent: depends on nothing domain-specific (the glue to tuning environments is in Experiments).
        .target(name: "PolicyGradient", dependencies: ["Linalg", "SafeFiles", "YAMLConfig", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "Experiments",
            dependencies: [
                "Linalg", "Simulation", "PolicyGradient", "PolicyRuntime", "SafeFiles", "YAMLConfig", "DriftDetection",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // What a production learner links: no trainer, simulator or experiment code, no BLAS.
        .target(name: "PolicyRuntime", dependencies: ["SafeFiles"]),
        // The production learner loop (shared period mechanics, CSV streams, controllers).
        .target(name: "ProductionLearner", dependencies: ["Linalg", "Learners", "DriftDetection", "PolicyRuntime", "SafeFiles"]),
        // Versions, canary and production channels, rollback: one SQLite file through GRDB.
        .target(name: "PolicyRegistry", dependencies: ["PolicyRuntime", .product(name: "GRDB", package: "GRDB.swift")]),
        // The throughput and latency harnesses behind `drifttune bench`, outside the product modules.
        .target(
            name: "Benchmarks",
            dependencies: ["Linalg", "Learners", "DriftDetection", "Simulation", "PolicyGradient", "PolicyRuntime"]
        ),
        // Everything the CLI does, reachable from tests; the executable only calls `DriftTuneCommand.main()`.
        .target(
            name: "DriftTuneCLI",
            dependencies: [
                "Linalg", "Learners", "DriftDetection", "Simulation", "PolicyGradient", "PolicyRuntime", "PolicyRegistry", "ProductionLearner", "Experiments",
                "Benchmarks", "SafeFiles", "YAMLConfig", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "drifttune", dependencies: ["DriftTuneCLI"]),
        // `@_cdecl` functions over the tuning environments (create, reset, step, free), loaded in-process by ctypes.
        .target(name: "DriftTuneCABI", dependencies: ["Simulation", "PolicyRuntime"]),
        // libFuzzer targets for the input readers; a stub unless built by scripts/fuzz.sh (-D FUZZING).
        .executableTarget(
            name: "drifttune-fuzz",
            dependencies: ["DriftTuneCLI", "Experiments", "PolicyGradient", "PolicyRuntime", "ProductionLearner", "Simulation"],
            path: "fuzz/Sources/drifttune-fuzz"
        ),
        .testTarget(name: "LinalgTests", dependencies: ["Linalg"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "Linalg"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DriftDetectionTests", dependencies: ["DriftDetection"], resources: [.copy("Fixtures")]),
        .testTarget(name: "YAMLConfigTests", dependencies: ["YAMLConfig", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SafeFilesTests", dependencies: ["SafeFiles"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "PolicyRuntime", "YAMLConfig", "DriftDetection", "Learners", "Linalg"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Simulation", "PolicyGradient", "PolicyRuntime", "Linalg", "YAMLConfig", "DriftDetection", "Learners", "ProductionLearner"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PolicyGradientTests", dependencies: ["PolicyGradient", "Linalg", "YAMLConfig"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PolicyRuntimeTests", dependencies: ["PolicyRuntime"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PolicyRegistryTests", dependencies: ["PolicyRegistry", "PolicyRuntime"]),
        .testTarget(name: "ProductionLearnerTests", dependencies: ["ProductionLearner", "PolicyRuntime", "Learners", "DriftDetection", "Linalg"],
                    resources: [.copy("Fixtures")]),
        .testTarget(
            name: "DriftTuneCLITests",
            dependencies: ["DriftTuneCLI", "Experiments", "Linalg", "DriftDetection", "PolicyRuntime", "PolicyRegistry", "ProductionLearner", "Simulation"]
        ),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks"]),
        .testTarget(name: "DriftTuneCABITests", dependencies: ["DriftTuneCABI", "Simulation", "PolicyRuntime"]),
    ],
    swiftLanguageModes: [.v6]
)
