// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "capacita",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "capacita", targets: ["capacita"]),
        .library(name: "Capacita", targets: ["Capacita"]),
        .library(name: "CapacitaStore", targets: ["CapacitaStore"]),
        .library(name: "Postgres", targets: ["Postgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Catalog files (cartas descriptivas) are YAML.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // SHA-256 for migration checksums and import batch fingerprints; replaces a hand-written digest.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ"]
        ),
        .target(
            name: "Capacita",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "CapacitaStore",
            dependencies: [
                "Capacita", "Postgres",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // What people and programs read: tables in Spanish, JSON and CSV with stable English keys.
        .target(name: "CapacitaOutput", dependencies: ["Capacita", "CapacitaStore"]),
        .executableTarget(
            name: "capacita",
            dependencies: [
                "Capacita", "CapacitaStore", "CapacitaOutput", "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Reproducible sample data for the benchmarks and the large-file tests.
        .target(name: "SampleData", dependencies: ["Capacita"], path: "bench/Sources/SampleData"),
        .executableTarget(
            name: "capacita-bench",
            dependencies: [
                "SampleData", "Capacita", "CapacitaStore", "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "bench/Sources/capacita-bench"
        ),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "CapacitaTests", dependencies: ["Capacita", "TestSupport"]),
        .testTarget(
            name: "CapacitaStoreTests",
            dependencies: ["CapacitaStore", "Capacita", "Postgres", "TestSupport", "SampleData"]),
        .testTarget(name: "CapacitaOutputTests", dependencies: ["CapacitaOutput", "Capacita", "CapacitaStore"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "SampleData", "CapacitaOutput", "Postgres"]),
        // Shared test helpers: a fresh database per test on the cluster that scripts/dev-db runs.
        .target(name: "TestSupport", dependencies: ["Postgres"], path: "Tests/TestSupport"),
    ]
)
