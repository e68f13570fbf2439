import XCTest
import Foundation
@testable import IsthmusPercolation

/// Timing and validation runs, skipped unless ISTHMUS_PERCOLATION_BENCH=1; run them in release mode:
/// `ISTHMUS_PERCOLATION_BENCH=1 swift test -c release --filter IsthmusPercolationTests.ManualBenchmarks`.
final class ManualBenchmarks: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["ISTHMUS_PERCOLATION_BENCH"] == "1")
    }

    func testSweepTiming() {
        for (g, k) in [(PercolationGraph.hypercubic(dim: 3, size: 64, boundary: .periodic), PercolationKind.site),
                       (.hypercubic(dim: 3, size: 64, boundary: .open), .site),
                       (.hypercubic(dim: 3, size: 64, boundary: .periodic), .bond),
                       (.hypercubic(dim: 6, size: 8, boundary: .periodic), .site)] {
            let t0 = Date()
            var spans = 0
            for s in 0..<5 { spans += NewmanZiff.randomSweep(g, kind: k, seed: UInt64(s)).spanStep ?? 0 }
            print("sweep \(g.family) d=\(g.dim) L=\(g.side) \(g.boundary) \(k): \(Date().timeIntervalSince(t0) / 5) s/trial (\(spans))")
        }
        let r = PercolationExperiment.run(.init(dim: 3, size: 64, trials: 20))
        print("experiment d=3 L=64 site periodic, 20 trials, 101 p: \(r.seconds) s")
    }

    func testValidation() {
        let results = PercolationValidation.run()
        print(PercolationValidation.markdown(results))
    }
}
