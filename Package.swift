// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "capacita",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "capacita", targets: ["capacita"]),
        .library(name: "CapacitaFiles", targets: ["CapacitaFiles"]),
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
        // The HTTP service: router, server, graceful shutdown (swift-service-lifecycle) and a test client.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // The archive of an .xlsx workbook, read entry by entry and streamed (issue #15).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // The web pages' templates (issue #16): logic-less, HTML-escaped by default.
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // The pages' uploads (issue #16): multipart/form-data parsed as it streams, the file to disk.
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        // Accounts (issue #27): passwords hashed with bcrypt, two-factor sign-in with TOTP (RFC 6238).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // The service's /metrics (issue #31): a registry of counters, gauges and histograms written
        // in the Prometheus text format.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Writing .xlsx workbooks (issue #15): Debian's libxlsxwriter, beside libpq.
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // Mail over SMTP (issue #27): Debian's libcurl speaks the protocol, STARTTLS and smtps.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The two-factor enrollment's QR code (issue #27): Debian's libqrencode.
        .systemLibrary(
            name: "CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        // PDF documents (issue #28): Debian's libharu. Debian ships no pkg-config file for it, so
        // the module map links it by name.
        .systemLibrary(
            name: "CHaru",
            providers: [.apt(["libhpdf-dev"])]
        ),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ"]
        ),
        // Files read as agencies send them: CSV in any encoding, .xlsx workbooks, streamed and
        // bounded. Knows nothing of the domain; the domain's parsers read through it.
        .target(
            name: "CapacitaFiles",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "Capacita",
            dependencies: ["CapacitaFiles", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "CapacitaStore",
            dependencies: [
                "Capacita", "CapacitaFiles", "Postgres",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // What people and programs read: tables in Spanish, JSON and CSV with stable English keys.
        .target(name: "CapacitaOutput", dependencies: ["Capacita", "CapacitaFiles"]),
        // Workbooks written: reports and lists as .xlsx, and the blank templates agencies fill in.
        .target(name: "CapacitaXLSX", dependencies: ["Capacita", "CapacitaFiles", "CapacitaOutput", "CXLSXWriter"]),
        // QR symbols from libqrencode, drawn by the pages (SVG) and the PDF documents alike.
        .target(name: "CapacitaQR", dependencies: ["CQRencode"]),
        // PDF documents through libharu: the listas de asistencia and the constancias (and their
        // ZIP, through ZIPFoundation); knows the domain, not the store.
        .target(
            name: "CapacitaPDF",
            dependencies: [
                "Capacita", "CapacitaQR", "CHaru", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        // Sending mail: one message to an SMTP server through libcurl; knows nothing of the outbox.
        .target(name: "CapacitaMail", dependencies: ["CCurl"]),
        // The HTTP service: routes per resource, bearer tokens, the error shape, request logs.
        .target(
            name: "CapacitaServer",
            dependencies: [
                "Capacita", "CapacitaFiles", "CapacitaStore", "CapacitaOutput", "CapacitaXLSX", "Postgres",
                "CapacitaMail", "CapacitaQR", "CapacitaPDF",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Pages/Templates")]
        ),
        // The `capacita` executable. Its folder is not `Sources/capacita`: that name differs from
        // the domain's `Sources/Capacita` only by case, one folder on macOS's default file system.
        .executableTarget(
            name: "capacita",
            dependencies: [
                "Capacita", "CapacitaFiles", "CapacitaStore", "CapacitaOutput", "CapacitaServer", "CapacitaXLSX",
                "Postgres", "CapacitaMail", "CapacitaPDF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CapacitaCLI"
        ),
        // Reproducible sample data for the benchmarks and the large-file tests.
        .target(name: "SampleData", dependencies: ["Capacita"], path: "bench/Sources/SampleData"),
        .executableTarget(
            name: "capacita-bench",
            dependencies: [
                "SampleData", "Capacita", "CapacitaFiles", "CapacitaStore", "Postgres", "CapacitaPDF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            path: "bench/Sources/capacita-bench"
        ),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "CapacitaFilesTests", dependencies: ["CapacitaFiles"]),
        .testTarget(name: "CapacitaTests", dependencies: ["Capacita", "CapacitaFiles", "TestSupport"]),
        .testTarget(
            name: "CapacitaStoreTests",
            dependencies: [
                "CapacitaStore", "Capacita", "CapacitaFiles", "Postgres", "TestSupport", "SampleData", "CapacitaXLSX",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(name: "CapacitaOutputTests", dependencies: ["CapacitaOutput", "Capacita"]),
        .testTarget(name: "CapacitaMailTests", dependencies: ["CapacitaMail", "TestSupport"]),
        .testTarget(
            name: "CapacitaXLSXTests",
            dependencies: [
                "CapacitaXLSX", "CapacitaOutput", "CapacitaStore", "Capacita", "CapacitaFiles", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(
            name: "CapacitaServerTests",
            dependencies: [
                "CapacitaServer", "CapacitaStore", "Capacita", "CapacitaFiles", "Postgres", "TestSupport", "SampleData",
                "CapacitaPDF", "CapacitaQR",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // The constancias' ZIP read back.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // RFC 6238 computed apart from the service's library, from the key the page shows.
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "TestSupport", "SampleData", "CapacitaOutput", "CapacitaStore", "CapacitaFiles", "Postgres",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        // Shared test helpers: a fresh database per test on the cluster that scripts/dev-db runs.
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/TestSupport"),
    ]
)
