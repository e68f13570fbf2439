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

    func testPaperModel() {
        for adjacency in [GraphFamily.hypercubic, .hamming] {
            let t0 = Date()
            let r = ClassConnectivity.run(.init(dims: adjacency == .hamming ? Array(2...10) : Array(1...10), adjacency: adjacency, trials: 10))
            print("class connectivity \(adjacency) p=0.1, ~1e6 cells, \(Date().timeIntervalSince(t0)) s")
            for row in r.rows {
                print(String(format: "d=%2d L=%7d N=%8d  P(conn)=%.5f±%.5f  largest=%.4f±%.4f  span=%.3f  1/(2d)=%.3f",
                             row.dim, row.side, row.cells, row.connection, row.connectionError, row.largestFraction,
                             row.largestFractionError, row.spanning, row.inverse2d))
            }
        }
    }

    func testCorrelated() {
        for dim in [2, 3] {
            let t0 = Date()
            let r = CorrelatedConnectivity.run(.init(dim: dim, size: dim == 2 ? 256 : 40, pValues: [0.1, 0.2, 0.3, 0.5]))
            print("correlated d=\(dim): \(Date().timeIntervalSince(t0)) s")
            for row in r.rows {
                print(String(format: "rounds=%d p=%.2f P(conn)=%.4f±%.4f largest=%.3f span=%.2f", row.rounds, row.p,
                             row.connection, row.connectionError, row.largestFraction, row.spanning))
            }
            for t in r.thresholds {
                print(String(format: "rounds=%d first spanning at fraction %.4f±%.4f", t.rounds, t.spanningFraction,
                             t.spanningFractionError))
            }
        }
    }
}
