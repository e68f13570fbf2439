import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// Connectivity statistics over many pairs.
final class ConnectivityTests: XCTestCase {
    /// Both ends on the class-0 side of TwoDimensionalBarrier: the segment is monotone.
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [0.5, 0]), c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func config(_ bending: Chain.Bending) -> Chain.Config { ChainTests.config(bending) }

    /// Deviation statistics use bent pairs only; the unbent count is reported beside them.
    func testSummaryCountsUnbentPairsAndLeavesThemOutOfTheDeviation() throws {
        let model = TwoDimensionalBarrier()
        let pair = Connectivity.Pair(classIndex: 0, indexA: 0, indexC: 1)
        let (bent, _) = try Chain.run(config(.always), model: model, from: a, to: c)
        let (unbent, _) = try Chain.run(config(.conditional), model: model, from: a, to: c)
        let rows = [Connectivity.Row(pair: 0, pair, bent), Connectivity.Row(pair: 1, pair, unbent), Connectivity.Row(pair: 2, pair, unbent)]
        XCTAssertEqual(rows.map(\.bent), [true, false, false])
        let s = Connectivity.summarize(rows, epsilons: [0.05])
        XCTAssertEqual(s.bentPairs, 1); XCTAssertEqual(s.unbentPairs, 2)
        XCTAssertGreaterThan(bent.deviation!.deviationRatio, 0)
        XCTAssertEqual(s.medianDeviationRatio, bent.deviation!.deviationRatio, accuracy: 1e-12)
        XCTAssertEqual(s.medianPixelDeviation, bent.deviation!.pixelDeviation, accuracy: 1e-12)
        XCTAssertEqual(s.deviationRatio.count, 1)
    }

    /// Seeded within-class pairs of distinct images; with `requireCorrect` only images the model gets right.
    func testSamplePairsAreSeededWithinClassAndDistinct() throws {
        let (model, clean) = linearProblem()
        // Images 0..<4 relabelled: the model now gets them wrong.
        var labels = clean.labels
        for i in 0..<4 { labels[i] = (labels[i] + 1) % 4 }
        let data = Dataset(name: "toy", images: clean.images, labels: labels, classes: 4, normalization: clean.normalization)
        let pairs = try Connectivity.samplePairs(data, model: model, count: 60, seed: 3, requireCorrect: true)
        XCTAssertEqual(pairs.count, 60)
        for p in pairs {
            XCTAssertNotEqual(p.indexA, p.indexC)
            XCTAssertEqual(data.labels[p.indexA], p.classIndex); XCTAssertEqual(data.labels[p.indexC], p.classIndex)
            XCTAssertFalse((0..<4).contains(p.indexA) || (0..<4).contains(p.indexC), "misclassified images are left out")
        }
        XCTAssertEqual(Set(pairs.map(\.classIndex)), [0, 1, 2, 3])
        XCTAssertEqual(try Connectivity.samplePairs(data, model: model, count: 60, seed: 3, requireCorrect: true), pairs)
        XCTAssertNotEqual(try Connectivity.samplePairs(data, model: model, count: 60, seed: 4, requireCorrect: true), pairs)
        let all = try Connectivity.samplePairs(data, model: model, count: 200, seed: 3, requireCorrect: false)
        XCTAssert(all.contains { (0..<4).contains($0.indexA) || (0..<4).contains($0.indexC) })
        let one = Dataset(name: "one", images: clean.images.rows(0..<1), labels: [0], classes: 4, normalization: clean.normalization)
        XCTAssertThrowsError(try Connectivity.samplePairs(one, model: model, count: 1, seed: 0, requireCorrect: false))
    }

    /// A row is the pair's chain; `runMany` (bends of several pairs in one batch) gives each pair's `run` row.
    func testRunManyGivesEachPairsRunRow() throws {
        let (model, data) = linearProblem()
        var c = Connectivity.Config()
        c.chain.primarySteps = 21; c.chain.pointsPerSegment = 11; c.chain.rounds = 2; c.chain.bypass.iterations = 8
        let pairs = try Connectivity.samplePairs(data, model: model, count: 5, seed: 1, requireCorrect: true)
        let rows = try pairs.indices.map { try Connectivity.run(c, pair: pairs[$0], index: $0, model: model, data: data) }
        var chain = c.chain
        chain.classIndex = pairs[2].classIndex
        let direct = try Chain.run(chain, model: model, from: data.image(pairs[2].indexA), to: data.image(pairs[2].indexC),
                                   normalization: data.normalization).0
        XCTAssertEqual(rows[2].finalMax, direct.finalMax)
        XCTAssertEqual(rows[2].primaryMax, direct.primaryMax)
        XCTAssertEqual(rows[2].rounds, 2)
        var batched: [Connectivity.Row] = []
        try Connectivity.runMany(c, pairs: pairs, indices: [4, 0, 2], batch: 2, model: model, data: data) { batched.append($0) }
        XCTAssertEqual(batched.map(\.pair).sorted(), [0, 2, 4])
        for b in batched {
            let r = rows[b.pair]
            XCTAssertEqual([b.classIndex, b.indexA, b.indexC], [r.classIndex, r.indexA, r.indexC])
            XCTAssertEqual(b.primaryMax, r.primaryMax, "the primary segment involves no bend")
            XCTAssertEqual(b.finalMax, r.finalMax, accuracy: 1e-5)
            XCTAssertEqual(b.gradientEvaluations, r.gradientEvaluations)
        }
    }
}
