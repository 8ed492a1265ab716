// swift-tools-version:6.1
import PackageDescription

/// Every Portico target is built under the same rules: Swift 6 language mode with
/// strict concurrency, so a C callback or a shared frame that crosses threads is
/// checked by the compiler, not found on a board.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "portico",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portico", targets: ["portico"]),
        // Encoding and streaming figures, and Portico next to another streamer
        // (scripts/bench-camera); never part of the camera's binary.
        .executable(name: "portico-bench", targets: ["portico-bench"]),
        // libFuzzer harnesses (Fuzz/, scripts/fuzz); never part of the camera's binary.
        .executable(name: "fuzz-profile", targets: ["fuzz-profile"]),
        .executable(name: "fuzz-peers", targets: ["fuzz-peers"]),
        .executable(name: "fuzz-http", targets: ["fuzz-http"]),
        .executable(name: "fuzz-upnp-xml", targets: ["fuzz-upnp-xml"]),
        .executable(name: "fuzz-natpmp", targets: ["fuzz-natpmp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0", traits: []),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // Without its default traits Hummingbird leaves out full Foundation and ICU:
        // a third of the binary and less memory on a small board.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(
            name: "CTurboJPEG",
            path: "Sources/CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),
        // No pkgConfig: libupnp's .pc adds -pthread, a flag SwiftPM refuses for dependencies.
        .systemLibrary(
            name: "CUPnP",
            path: "Sources/CUPnP",
            providers: [.apt(["libupnp-dev"])]
        ),

        .systemLibrary(
            name: "CV4L2",
            path: "Sources/CV4L2",
            pkgConfig: "libv4l2",
            providers: [.apt(["libv4l-dev"])]
        ),

        // Pixel loops the camera runs on every frame. Optimised in every build, debug
        // included: unoptimised they cost a debug build on a board its frame rate.
        .target(
            name: "CPixelConvert",
            path: "Sources/CPixelConvert",
            cSettings: [.unsafeFlags(["-O2"])]
        ),

        // GPIO lines through libgpiod 1.6 (its v1 API); GPIOLines is the only code that calls it.
        .systemLibrary(
            name: "CGPIOD",
            path: "Sources/CGPIOD",
            pkgConfig: "libgpiod",
            providers: [.apt(["libgpiod-dev"])]
        ),

        .systemLibrary(
            name: "CNATPMP",
            path: "Sources/CNATPMP",
            providers: [.apt(["libnatpmp-dev"])]
        ),

        // The core: profile, plugin protocols, frame hub, web, lifecycle. It knows
        // protocols only; concrete plugins are named in the executable's registry.
        .target(
            name: "PorticoCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                // NIO's HTTP/1 request head: the one place the request's HTTP version is known.
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                // PBKDF2 over BoringSSL, for the admin password.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            // The web pages, compiled into the binary as byte arrays (no Foundation bundle,
            // no files on the board): see Web/Pages/PageTemplate.swift.
            resources: [
                .embedInCode("Web/Pages/page.css"),
                .embedInCode("Web/Pages/camera.html"),
                .embedInCode("Web/Pages/camera-view.html"),
                .embedInCode("Web/Pages/camera.js"),
                .embedInCode("Web/Pages/registration.html"),
                .embedInCode("Web/Pages/pan-tilt.html"),
                .embedInCode("Web/Pages/preset.html"),
                .embedInCode("Web/Pages/ptz.js"),
                .embedInCode("Web/Pages/directory.html"),
                .embedInCode("Web/Pages/directory.js"),
                .embedInCode("Web/Pages/tile.html"),
                .embedInCode("Web/Pages/tile-pending.html"),
                .embedInCode("Web/Pages/login.html"),
            ],
            swiftSettings: settings
        ),

        // What the camera plugins draw and compress: planar YUV pictures, text in a bitmap
        // font, JPEG encoding and decoding with libturbojpeg. Outside the core, which only
        // passes finished JPEG bytes on, so the core links no image library.
        .target(
            name: "CameraImaging",
            dependencies: ["CTurboJPEG", "PorticoCore", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/CameraImaging",
            swiftSettings: settings
        ),

        // GPIO chips and lines for the plugins that drive or watch them (motors, switch):
        // every libgpiod call is in this target, so moving to libgpiod 2 touches one file.
        .target(
            name: "GPIOLines",
            dependencies: ["CGPIOD", "PorticoCore"],
            path: "Sources/GPIOLines",
            swiftSettings: settings
        ),

        // Compiled-in plugins, one target each.
        .target(
            name: "TestPatternCamera",
            dependencies: ["PorticoCore", "CameraImaging", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/TestPatternCamera",
            swiftSettings: settings
        ),
        .target(
            name: "V4L2Camera",
            dependencies: ["PorticoCore", "CameraImaging", "CV4L2", "CPixelConvert", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/V4L2Camera",
            swiftSettings: settings
        ),

        .target(
            name: "UPnPMapping",
            dependencies: ["PorticoCore", "CUPnP", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/UPnPMapping",
            swiftSettings: settings
        ),

        .target(
            name: "NATPMPMapping",
            dependencies: ["PorticoCore", "CNATPMP", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/NATPMPMapping",
            swiftSettings: settings
        ),

        .target(
            name: "FirstComePolicy",
            dependencies: ["PorticoCore"],
            path: "Plugins/FirstComePolicy",
            swiftSettings: settings
        ),

        .target(
            name: "RandomBackoffPolicy",
            dependencies: ["PorticoCore"],
            path: "Plugins/RandomBackoffPolicy",
            swiftSettings: settings
        ),

        .target(
            name: "PortOrderPolicy",
            dependencies: ["PorticoCore"],
            path: "Plugins/PortOrderPolicy",
            swiftSettings: settings
        ),

        .target(
            name: "ServerValuePolicy",
            dependencies: ["PorticoCore"],
            path: "Plugins/ServerValuePolicy",
            swiftSettings: settings
        ),

        .target(
            name: "GPIOStepperPanTilt",
            dependencies: ["PorticoCore", "GPIOLines", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/GPIOStepperPanTilt",
            swiftSettings: settings
        ),

        .target(
            name: "GPIOButtonSwitch",
            dependencies: ["PorticoCore", "GPIOLines", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/GPIOButtonSwitch",
            swiftSettings: settings
        ),

        // What this build compiles in: the plugins (the one place that names them) and the
        // profile `portico run` uses without one. A library, so the tests and the fuzz
        // harnesses load profiles with the very registry the executable has.
        .target(
            name: "CompiledInPlugins",
            dependencies: [
                "PorticoCore",
                "TestPatternCamera",
                "V4L2Camera",
                "UPnPMapping",
                "NATPMPMapping",
                "FirstComePolicy",
                "RandomBackoffPolicy",
                "PortOrderPolicy",
                "ServerValuePolicy",
                "GPIOStepperPanTilt",
                "GPIOButtonSwitch",
            ],
            swiftSettings: settings
        ),

        // The camera's executable: only what runs on a board.
        .executableTarget(
            name: "portico",
            dependencies: [
                "PorticoCore",
                "CompiledInPlugins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings,
            // With the Swift runtime linked statically, swiftc exports every symbol of every
            // module in the package graph from the executable (`-export-dynamic`), and each
            // exported symbol keeps its code through --gc-sections. Nothing loads into the
            // camera's process to need them: without the export the linker drops what is
            // never called, about 3 MB of the stripped static binary.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]
        ),

        // What the tests and the benchmark share: the built `portico` run as a child
        // process, a blocking loopback HTTP client and MJPEG reader, a daemon in the
        // process, temporary profiles and state folders.
        .target(
            name: "PorticoTestSupport",
            dependencies: [
                "PorticoCore",
                "CompiledInPlugins",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // NIO's HTTP/1 decoder reads the replies (see LoopbackHTTPClient).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Tests/PorticoTestSupport",
            swiftSettings: settings
        ),

        // The benchmarks: they start the built `portico` beside them and load it.
        .executableTarget(
            name: "portico-bench",
            dependencies: [
                "PorticoCore",
                "PorticoTestSupport",
                "CameraImaging",
                "TestPatternCamera",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),

        // Fuzzing: what each harness feeds its parser and checks (FuzzHarnesses, also
        // replayed by the unit tests), and one thin executable per harness. Built with
        // `-sanitize=fuzzer,address -DFUZZING` they are libFuzzer targets; in a plain build
        // they replay corpus and crash files. See scripts/fuzz.
        .target(
            name: "CFuzzer",
            path: "Fuzz/CFuzzer"
        ),
        .target(
            name: "FuzzHarnesses",
            dependencies: [
                "CFuzzer",
                "PorticoCore",
                "CompiledInPlugins",
                "UPnPMapping",
                "NATPMPMapping",
                "CNATPMP",
            ],
            path: "Fuzz/Harnesses",
            swiftSettings: settings
        ),
        .executableTarget(name: "fuzz-profile", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/profile", swiftSettings: settings),
        .executableTarget(name: "fuzz-peers", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/peers", swiftSettings: settings),
        .executableTarget(name: "fuzz-http", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/http", swiftSettings: settings),
        .executableTarget(name: "fuzz-upnp-xml", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/upnp-xml", swiftSettings: settings),
        .executableTarget(name: "fuzz-natpmp", dependencies: ["FuzzHarnesses"], path: "Fuzz/Targets/natpmp", swiftSettings: settings),

        .testTarget(
            name: "PorticoTests",
            dependencies: [
                "PorticoCore",
                "TestPatternCamera",
                "V4L2Camera",
                "UPnPMapping",
                "NATPMPMapping",
                "FirstComePolicy",
                "RandomBackoffPolicy",
                "PortOrderPolicy",
                "ServerValuePolicy",
                "GPIOStepperPanTilt",
                "GPIOButtonSwitch",
                "GPIOLines",
                "CompiledInPlugins",
                "PorticoTestSupport",
                "CameraImaging",
                "CPixelConvert",
                "CUPnP",
                "FuzzHarnesses",
            ],
            swiftSettings: settings
        ),
    ]
)
