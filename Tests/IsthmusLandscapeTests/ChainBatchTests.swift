import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// Many pairs' chains with their bends optimized together equal the chains run one by one.
final class ChainBatchTests: XCTestCase {
    /// Two rounds (1 + 2 bends per pair) of four pairs through 3 slots: bends of different pairs and rounds share
    /// the batch, pairs finish out of order. Tolerance: see BypassBatchTests.tolerance.
    func testRunManyEqualsRunPerPair() throws {
        let model = BypassBatchTests.cnn()
        var c = Chain.Config()
        c.primarySteps = 21; c.pointsPerSegment = 11; c.rounds = 2; c.bypass.iterations = 12
        let pairs: [(Tensor, Tensor, Int)] = (0..<4).map { (k: Int) -> (Tensor, Tensor, Int) in
            (BypassBatchTests.input(UInt64(300 + k)), BypassBatchTests.input(UInt64(400 + k)), (7 * k) % 10)
        }
        func config(_ k: Int) -> Chain.Config { var x = c; x.classIndex = pairs[k].2; return x }
        let seq = try pairs.indices.map { try Chain.run(config($0), model: model, from: pairs[$0].0, to: pairs[$0].1).0 }
        var got = [Chain.Result?](repeating: nil, count: pairs.count), order: [Int] = []
        try Chain.runMany(count: pairs.count, batch: 3, model: model, bypass: c.bypass, start: { k in
            Chain.Progress(config(k), model: model, from: pairs[k].0, to: pairs[k].1)
        }, finished: { k, chain in
            XCTAssertNil(got[k]); got[k] = chain.result().0; order.append(k)
        })
        XCTAssertEqual(Set(order), Set(pairs.indices))
        for (s, b) in zip(seq, got.compactMap { $0 }) {
            XCTAssertEqual(b.rounds.map(\.bendsAdded), [1, 2])
            Self.assertEqual(b, s)
        }
    }

    /// A chain with batched bends against the same chain run bend by bend: equal counts, the primary curve bit for
    /// bit (no bend involved), path and deviation to BypassBatchTests.tolerance.
    static func assertEqual(_ b: Chain.Result, _ s: Chain.Result, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(b.bendIterations, s.bendIterations, file: file, line: line)
        XCTAssertEqual(b.gradientEvaluations, s.gradientEvaluations, file: file, line: line)
        XCTAssertEqual(b.forwardEvaluations, s.forwardEvaluations, file: file, line: line)
        XCTAssertEqual(b.primaryLosses, s.primaryLosses, "the primary segment involves no bend", file: file, line: line)
        XCTAssertEqual(b.pathLosses.count, s.pathLosses.count, file: file, line: line)
        for (x, y) in zip(b.pathLosses, s.pathLosses) { XCTAssertEqual(x, y, accuracy: BypassBatchTests.tolerance, file: file, line: line) }
        XCTAssertEqual(b.finalMax, s.finalMax, accuracy: Double(BypassBatchTests.tolerance), file: file, line: line)
        XCTAssertEqual(b.deviation!.deviationRatio, s.deviation!.deviationRatio, accuracy: 1e-5, file: file, line: line)
    }
}
