import Foundation
import XCTest
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// compare-paths as a library experiment: seeded pairs, every method per pair, resumable units, shards, files.
final class ComparePathsTests: XCTestCase {
    /// Class-0 points on both sides of the barrier of `TwoDimensionalBarrier` (x = +-1), so every within-class pair
    /// of opposite sides crosses it; class 1 near the origin.
    func data() -> Dataset {
        let xs: [Float] = [-1, 0, 1, 0, -0.9, 0, 0.9, 0, 0.02, -0.25, -0.02, -0.28]
        return Dataset(name: "two-d", images: Tensor(shape: [6, 2, 1, 1], scalars: xs), labels: [0, 0, 0, 0, 1, 1], classes: 2,
                       normalization: Normalization(mean: [0, 0], std: [1, 1]))
    }

    func config() -> ComparePaths.Config {
        var c = ComparePaths.Config()
        c.pairs = 3; c.seed = 5; c.requireCorrect = false
        c.methods = [.bypass, .polychain]
        c.paths.chain.primarySteps = 41; c.paths.chain.pointsPerSegment = 21
        c.paths.chain.bypass.iterations = 200; c.paths.chain.bypass.lr = 0.05
        c.paths.chain.bypass.mseWeight = 0; c.paths.chain.bypass.tvWeight = 0
        c.paths.curve.iterations = 60; c.paths.curve.lr = 0.05; c.paths.evalPoints = 21
        return c
    }

    func folder(_ name: String) throws -> RunDirectory {
        let path = NSTemporaryDirectory() + "isthmus-compare-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        return try RunDirectory(path: path, mode: .create)
    }

    func testEveryMethodRunsOnTheSameSeededPairsAndResumes() throws {
        let dir = try folder("run")
        defer { try? FileManager.default.removeItem(at: dir.url) }
        let model = TwoDimensionalBarrier(), c = config()
        let units = try ComparePaths.run(c, model: model, data: data(), units: UnitRun(dir, quiet: true))
        XCTAssertEqual(units.map(\.pair), [0, 1, 2])
        let pairs = try Connectivity.samplePairs(data(), model: model, count: 3, seed: 5, requireCorrect: false)
        XCTAssertEqual(units.map(\.indexA), pairs.map(\.indexA))
        XCTAssertEqual(units.map(\.indexC), pairs.map(\.indexC))
        for u in units {
            XCTAssertEqual(u.results.map(\.method), c.methods)
            for r in u.results {
                XCTAssertEqual(r.lossA, u.results[0].lossA, accuracy: 1e-6, "every method starts from the same A")
                XCTAssertGreaterThanOrEqual(u.straightMax + 1e-6, max(r.lossA, r.lossC))
            }
        }
        // Dense curves are kept for the first pair only.
        XCTAssertNotNil(units[0].straightLosses); XCTAssertFalse(units[0].results[0].losses.isEmpty)
        XCTAssertNil(units[1].straightLosses); XCTAssertTrue(units[1].results[0].losses.isEmpty)
        // A pair across the barrier: the bypass lowers it.
        if let across = units.first(where: { $0.straightGap > 1 }) {
            XCTAssertLessThan(across.results[0].max, across.straightMax - 0.5)
        }
        // A second run finds every unit in the log and recomputes none (the timings are the logged ones).
        let again = try ComparePaths.run(c, model: model, data: data(), units: UnitRun(dir, quiet: true))
        XCTAssertEqual(again.map { $0.results.map(\.seconds) }, units.map { $0.results.map(\.seconds) })

        let file = try ComparePaths.write(c, units: units, to: dir)
        XCTAssertEqual(file.straight.pairs, 3)
        XCTAssertEqual(file.summary["bypass"]?.pairs, 3)
        XCTAssertEqual(file.summary["polychain"]?.pairs, 3)
        XCTAssertEqual(file.summary["bypass"]?.medianMax ?? .nan, Stats.median(units.map { $0.results[0].max }), accuracy: 1e-12)
        let csv = try String(contentsOf: dir.url("pairs.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 1 + 3 * 2)
        try FileManager.default.removeItem(at: dir.url("overlay.svg"))
        try ComparePaths.figures(from: dir)
        XCTAssertTrue(dir.exists("overlay.svg"))
    }

    func testAShardRunsOnlyItsPairs() throws {
        let dir = try folder("shard")
        defer { try? FileManager.default.removeItem(at: dir.url) }
        var c = config()
        c.methods = [.bypass]
        let units = try ComparePaths.run(c, model: TwoDimensionalBarrier(), data: data(),
                                         units: UnitRun(dir, owns: { $0 % 2 == 1 }, quiet: true))
        XCTAssertEqual(units.map(\.pair), [1])
        XCTAssertNotNil(units[0].straightLosses, "a shard keeps the curves of its own first pair")
    }

    /// `batch` > 1: the bypass and chain bends of `batch` pairs share one batch (here 3 pairs a chunk, 4 pairs, so the
    /// last chunk is partial), with the loss stop crossed at different steps; every unit equals the pair-by-pair
    /// one up to float32 rounding (tolerance: see BypassBatchTests.tolerance), the other methods exactly. Resumes.
    func testBatchedPairsEqualSequentialWithEarlyStopsAndResume() throws {
        let model = BypassBatchTests.cnn()
        let images = concat((0..<8).map { BypassBatchTests.input(UInt64(500 + $0)) }, axis: 0)
        let data = Dataset(name: "noise", images: images, labels: [0, 0, 0, 0, 3, 3, 3, 3], classes: 10,
                           normalization: Normalization(mean: [0], std: [1]))
        var c = ComparePaths.Config()
        c.pairs = 4; c.seed = 2; c.requireCorrect = false
        c.methods = [.bypass, .chain, .polychain]
        c.paths.chain.primarySteps = 21; c.paths.chain.pointsPerSegment = 11; c.paths.chain.bypass.iterations = 16
        c.paths.curve.iterations = 5; c.paths.evalPoints = 11
        // A stop threshold between the CE values of the bends (run one by one), crossed at different steps.
        let pairs = try Connectivity.samplePairs(data, model: model, count: c.pairs, seed: c.seed, requireCorrect: false)
        func traces(_ cfg: ComparePaths.Config) throws -> [[Float]] {
            try pairs.flatMap { p in
                try [PathMethod.bypass, .chain].flatMap { m in
                    try ChainTests.sequentialTraces(Paths.chainConfig(m, cfg.paths, classIndex: p.classIndex), model: model,
                                                    from: data.image(p.indexA), to: data.image(p.indexC))
                }
            }
        }
        let free = try traces(c)
        let (t, distinct) = BypassBatchTests.splittingThreshold(free.flatMap { $0.map(Double.init) }) { t in
            free.map { tr in (tr.firstIndex { Double($0) < t } ?? 16) + 1 }
        }
        XCTAssertGreaterThanOrEqual(distinct, 2, "the bends must stop at different steps")
        c.paths.chain.bypass.stopLoss = t
        XCTAssertGreaterThan(try traces(c).flatMap { $0 }.map { abs(Double($0) - t) }.min()!, BypassBatchTests.thresholdMargin / 2)
        let (sd, bd) = (try folder("seq"), try folder("batched"))
        defer { try? FileManager.default.removeItem(at: sd.url); try? FileManager.default.removeItem(at: bd.url) }
        let seq = try ComparePaths.run(c, model: model, data: data, units: UnitRun(sd, quiet: true))
        let bat = try ComparePaths.run(c, model: model, data: data, batch: 3, units: UnitRun(bd, quiet: true))
        XCTAssertEqual(bat.map(\.pair), seq.map(\.pair))
        let iterations = seq.flatMap { $0.results.filter { $0.method != .polychain }.map(\.iterations) }
        XCTAssertGreaterThanOrEqual(Set(iterations).count, 2, "bends stop at different steps")
        XCTAssertTrue(iterations.contains { $0 < 16 } , "some bend stops early")
        let tol = Double(BypassBatchTests.tolerance)
        for (u, v) in zip(bat, seq) {
            XCTAssertEqual(u.indexA, v.indexA); XCTAssertEqual(u.indexC, v.indexC)
            XCTAssertEqual(u.straightMax, v.straightMax); XCTAssertEqual(u.straightLosses, v.straightLosses)
            XCTAssertEqual(u.results.map(\.method), c.methods)
            for (x, y) in zip(u.results, v.results) {
                XCTAssertEqual(x.iterations, y.iterations, "\(x.method)")
                XCTAssertEqual(x.gradientEvaluations, y.gradientEvaluations)
                XCTAssertEqual(x.forwardEvaluations, y.forwardEvaluations)
                XCTAssertEqual(x.max, y.max, accuracy: tol); XCTAssertEqual(x.gap, y.gap, accuracy: tol)
                XCTAssertEqual(x.pathLengthRatio, y.pathLengthRatio, accuracy: 1e-5)
                XCTAssertEqual(x.losses.count, y.losses.count)
                for (l, m) in zip(x.losses, y.losses) { XCTAssertEqual(l, m, accuracy: BypassBatchTests.tolerance) }
                if x.method == .polychain { XCTAssertEqual(x.max, y.max, "not batched: the same computation") }
            }
        }
        XCTAssertFalse(bat[0].results[1].losses.isEmpty, "curves of the first pair kept")
        // Resume: a second batched run recomputes nothing.
        let again = try ComparePaths.run(c, model: model, data: data, batch: 3, units: UnitRun(bd, quiet: true))
        XCTAssertEqual(again.map { $0.results.map(\.seconds) }, bat.map { $0.results.map(\.seconds) })
        // A shard of the batched run: its own pairs only, the same units.
        let shard = try folder("batched-shard")
        defer { try? FileManager.default.removeItem(at: shard.url) }
        let odd = try ComparePaths.run(c, model: model, data: data, batch: 3, units: UnitRun(shard, owns: { $0 % 2 == 1 }, quiet: true))
        XCTAssertEqual(odd.map(\.pair), [1, 3])
        XCTAssertEqual(odd.map { $0.results.map(\.iterations) }, [seq[1], seq[3]].map { $0.results.map(\.iterations) })
    }
}
