// swift-tools-version:5.10
// Isthmus: input-space mode connectivity of neural networks (Vrabel et al., ICLR 2025), in Swift.
// Layers run one way: Kernels -> Core (tensor + autodiff) -> NN -> Landscape (experiments) -> Reproduce (the paper as
// stages of experiments) -> CLI (option tables, provenance, data specs).
// Formats, Report and Percolation depend on Foundation (and zlib) and IsthmusUtilities only.
import PackageDescription

// Kernels get the CPU's vector units (AVX2 + FMA: any x86-64 since 2013; no AVX-512 needed). Release builds drop
// the run-time exclusivity checks of the numeric targets (5-8% of a sweep or a many-pair run went to them); debug
// builds, which the tests run, keep them.
let vectorFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"]),
                                   .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Isthmus",
    products: [
        .library(name: "Isthmus", targets: ["IsthmusCore", "IsthmusNN", "IsthmusLandscape", "IsthmusFormats",
                                           "IsthmusReport", "IsthmusPercolation", "IsthmusReproduce", "IsthmusUtilities",
                                           "IsthmusRuns", "IsthmusArguments"]),
        .executable(name: "isthmus", targets: ["isthmus"]),
    ],
    targets: [
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .target(name: "IsthmusUtilities", dependencies: []),
        .target(name: "IsthmusKernels", dependencies: ["CDNNL"], swiftSettings: vectorFlags),
        .target(name: "IsthmusCore", dependencies: ["IsthmusKernels", "IsthmusFormats", "IsthmusUtilities"], swiftSettings: vectorFlags),
        .target(name: "IsthmusFormats", dependencies: ["IsthmusUtilities", "CZlib", "CJPEG"]),
        .target(name: "IsthmusNN", dependencies: ["IsthmusCore", "IsthmusFormats"], swiftSettings: vectorFlags),
        .target(name: "IsthmusReport", dependencies: ["IsthmusUtilities", "CZlib"]),
        .target(name: "IsthmusPercolation", dependencies: ["IsthmusUtilities", "IsthmusReport"]),
        .target(name: "IsthmusLandscape", dependencies: ["IsthmusNN", "IsthmusReport"], swiftSettings: vectorFlags),
        .target(name: "IsthmusReproduce", dependencies: ["IsthmusLandscape", "IsthmusReport", "IsthmusPercolation"]),
        .target(name: "IsthmusArguments", dependencies: []),
        .target(name: "IsthmusRuns", dependencies: ["IsthmusLandscape", "IsthmusReproduce", "IsthmusReport", "IsthmusPercolation"]),
        .target(name: "IsthmusCLI", dependencies: ["IsthmusArguments", "IsthmusRuns", "IsthmusLandscape", "IsthmusReproduce", "IsthmusReport",
                                                   "IsthmusPercolation", "IsthmusUtilities"]),
        .executableTarget(name: "isthmus", dependencies: ["IsthmusCLI"]),
        .target(name: "IsthmusTestSupport", dependencies: ["IsthmusCore"], path: "Tests/Support"),
        .testTarget(name: "IsthmusUtilitiesTests", dependencies: ["IsthmusUtilities"]),
        .testTarget(name: "IsthmusKernelsTests", dependencies: ["IsthmusKernels", "IsthmusUtilities"]),
        .testTarget(name: "IsthmusCoreTests", dependencies: ["IsthmusCore", "IsthmusTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "IsthmusFormatsTests", dependencies: ["IsthmusFormats", "IsthmusTestSupport"]),
        .testTarget(name: "IsthmusNNTests", dependencies: ["IsthmusNN", "IsthmusReport", "IsthmusTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "IsthmusReportTests", dependencies: ["IsthmusReport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "IsthmusPercolationTests", dependencies: ["IsthmusPercolation", "IsthmusReport"]),
        .testTarget(name: "IsthmusLandscapeTests", dependencies: ["IsthmusLandscape", "IsthmusTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "IsthmusArgumentsTests", dependencies: ["IsthmusArguments"]),
        .testTarget(name: "IsthmusRunsTests", dependencies: ["IsthmusRuns", "IsthmusTestSupport"]),
        .testTarget(name: "IsthmusCLITests", dependencies: ["IsthmusCLI", "IsthmusArguments", "IsthmusRuns"]),
    ]
)
