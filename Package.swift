// swift-tools-version:6.0
import PackageDescription

// glidepath uses only the Swift toolchain's own libraries and the system SQLite library.
let package = Package(
    name: "glidepath",
    products: [
        .executable(name: "glidepath", targets: ["glidepath"]),
        .library(name: "GlidepathShim", targets: ["GlidepathShim"]),
    ],
    targets: [
        // System libraries
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),

        // The JSON string escaper every module shares.
        .target(name: "JSONText"),
        // Pure core: policy, state machine, judges, bucketing, line protocol. No I/O, no clock.
        .target(name: "GlidepathCore", dependencies: ["JSONText"], linkerSettings: [.linkedLibrary("m")]),
        // Prometheus text format: metric registry, exposition writer, strict parser.
        .target(name: "PromText"),
        // SQLite C-API wrapper and the durable migration store.
        .target(name: "SQLiteStore", dependencies: ["CSQLite", "GlidepathCore", "JSONText"]),
        // HTTP/1.1 parser, response writer, epoll transport, tiny blocking client.
        .target(name: "HTTPServer", dependencies: ["CEpoll", "JSONText"]),
        // The benchmark: the real judges and state machine on a seeded virtual clock and simulated traffic.
        .target(name: "GlidepathSimulator", dependencies: ["GlidepathCore", "JSONText"], linkerSettings: [.linkedLibrary("m")]),
        // Wiring: API handlers, control loop, metric sources, `serve`.
        .target(name: "GlidepathServer", dependencies: ["GlidepathCore", "PromText", "SQLiteStore", "HTTPServer"]),
        // The command line: arguments, help, the admin client and how its answers are printed.
        .target(name: "GlidepathCLI", dependencies: ["GlidepathServer", "GlidepathSimulator", "GlidepathDemo", "HTTPServer"]),
        // The client shim applications embed: sticky routing, weights polling, outcome reporting.
        .target(name: "GlidepathShim", dependencies: []),
        // `glidepath demo`: a controller on a temporary database, simulated providers, shim traffic.
        .target(name: "GlidepathDemo", dependencies: ["GlidepathCore", "GlidepathServer", "GlidepathShim", "GlidepathSimulator",
                                                      "HTTPServer", "JSONText", "SQLiteStore"]),
        // The command-line tool.
        .executableTarget(name: "glidepath", dependencies: ["GlidepathCLI", "GlidepathServer", "GlidepathSimulator", "GlidepathDemo"]),
        // Times the strict Prometheus text parser on a controller-shaped exposition (scripts/bench-parse.sh).
        .executableTarget(name: "BenchPromText", dependencies: ["PromText"]),

        .testTarget(name: "GlidepathCoreTests", dependencies: ["GlidepathCore"]),
        .testTarget(name: "PromTextTests", dependencies: ["PromText"]),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["SQLiteStore"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "GlidepathServerTests", dependencies: ["GlidepathServer"]),
        .testTarget(name: "GlidepathShimTests",
                    dependencies: ["GlidepathShim", "GlidepathServer", "SQLiteStore", "HTTPServer", "GlidepathCore"]),
        .testTarget(name: "GlidepathSimulatorTests", dependencies: ["GlidepathSimulator", "GlidepathServer"]),
        .testTarget(name: "GlidepathCLITests", dependencies: ["GlidepathCLI", "GlidepathServer", "GlidepathSimulator"]),
        .testTarget(name: "GlidepathDemoTests", dependencies: ["GlidepathDemo", "GlidepathCore", "GlidepathServer", "HTTPServer"]),
    ]
)

// libFuzzer harnesses (scripts/fuzz.sh), declared only when GLIDEPATH_FUZZ=1 so that a normal build and
// `swift test` never see them. Build: GLIDEPATH_FUZZ=1 swift build -c release --sanitize=fuzzer
// --scratch-path .build-fuzz --product FuzzHTTP.
if Context.environment["GLIDEPATH_FUZZ"] == "1" {
    package.targets += [
        .executableTarget(name: "FuzzHTTP", dependencies: ["HTTPServer"]),
        .executableTarget(name: "FuzzObservations", dependencies: ["GlidepathCore"]),
        .executableTarget(name: "FuzzPromText", dependencies: ["PromText"]),
        .executableTarget(name: "FuzzPolicy", dependencies: ["GlidepathCore"]),
    ]
}
