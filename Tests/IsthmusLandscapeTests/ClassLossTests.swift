import XCTest
import IsthmusCore
import IsthmusLandscape
import IsthmusNN

/// The one loss of every path method: a model's CE of class y, or an analytic potential, through the same calls.
final class ClassLossTests: XCTestCase {
    func testBatchedGradientsMatchSingleInputGradients() {
        let model = MLPProbe.make(), loss = ClassLoss(model: model, classIndex: 2)
        let xs = [randomInput(seed: 7), randomInput(seed: 8), randomInput(seed: 9)]
        let land = ClassLoss(model: model, classIndex: 2)
        let (v, g) = land.lossesAndGradients(concat(xs, axis: 0))
        for (k, x) in xs.enumerated() {
            let (v1, g1) = loss.valueAndGradient(x)
            XCTAssertEqual(v[k], v1, accuracy: 1e-5)
            for i in 0..<16 { XCTAssertEqual(g[flat: k * 16 + i], g1[flat: i], accuracy: 1e-5) }
        }
        XCTAssertEqual(land.gradientEvaluations, 3)
        XCTAssertEqual(land.losses(xs[0]).count, 1)
        XCTAssertEqual(land.forwardEvaluations, 1)
    }

    /// The losses are the model's cross-entropy, whatever the chunking; gradients against central differences.
    func testLossesAreTheCrossEntropyOfTheModelAndGradientsMatchFiniteDifferences() {
        let model = MLPProbe.make(), loss = ClassLoss(model: model, classIndex: 1, batch: 2)
        let xs = concat((0..<5).map { randomInput(seed: 20 + UInt64($0)) }, axis: 0)
        let logits = withoutGradients { model(xs) }
        let expected = (0..<5).map { k -> Float in
            let row = (0..<3).map { Double(logits[flat: 3 * k + $0]) }
            let m = row.max()!
            return Float(m + log(row.map { exp($0 - m) }.reduce(0, +)) - row[1])
        }
        let got = loss.losses(xs)
        for (u, v) in zip(got, expected) { XCTAssertEqual(u, v, accuracy: 1e-5) }
        // Chunks of 2 or one batch of 5: the same losses up to the batched GEMM's float32 rounding.
        for (u, v) in zip(loss.losses(xs, batch: 5), got) { XCTAssertEqual(u, v, accuracy: 1e-6) }
        XCTAssertEqual(loss.forwardEvaluations, 10)
        let x = randomInput(seed: 30)
        let (_, g) = loss.valueAndGradient(x)
        for i in [0, 5, 15] {
            let h: Float = 1e-2
            let up = x.copy(), down = x.copy()
            up.mutableData[i] += h; down.mutableData[i] -= h
            let fd = (loss.losses(up)[0] - loss.losses(down)[0]) / (2 * h)
            XCTAssertEqual(g[flat: i], fd, accuracy: 2e-3)
        }
    }

    /// One class per row (the batched bypass): each row equals that class's loss; `withClass` keeps the function.
    func testPerSampleClassesAndWithClass() {
        let model = MLPProbe.make(), loss = ClassLoss(model: model, classIndex: 0)
        let xs = concat([randomInput(seed: 1), randomInput(seed: 2), randomInput(seed: 3)], axis: 0)
        let mixed = withoutGradients { loss.perSample(xs, classes: [2, 0, 1]).scalars }
        let other = loss.withClass(2)
        XCTAssertEqual(other.classIndex, 2)
        XCTAssertEqual(other.forwardEvaluations, 0)
        XCTAssertEqual(mixed[0], other.losses(xs)[0])
        XCTAssertEqual(mixed[1], loss.losses(xs)[1])
        XCTAssertEqual(mixed[2], loss.withClass(1).losses(xs)[2])
        XCTAssertNotEqual(mixed[0], loss.losses(xs)[0], "classes 0 and 2 have different losses")
    }

    /// A potential from closures: the same values and gradients as the closures, bit for bit, through every call.
    func testPotentialGivesItsClosuresValuesAndGradients() {
        let loss = DoubleWell.loss
        let xs = Tensor(shape: [3, 2, 1, 1], scalars: [-1, 0, 0, 0.5, 0.3, -0.2])
        let expected = [(-1.0, 0.0), (0, 0.5), (0.3, -0.2)].map { Float(DoubleWell.value($0.0, $0.1)) }
        XCTAssertEqual(loss.losses(xs), expected)
        let (v, g) = loss.lossesAndGradients(xs)
        XCTAssertEqual(v, expected)
        let (gx, gy) = DoubleWell.gradient(0.3, -0.2)
        XCTAssertEqual(g.shape, xs.shape)
        XCTAssertEqual(g[flat: 4], Float(gx)); XCTAssertEqual(g[flat: 5], Float(gy))
        XCTAssertEqual([g[flat: 2], g[flat: 3]], [0, 0], "the saddle (0, 1/2) is a critical point")
        XCTAssertEqual(loss.forwardEvaluations, 3); XCTAssertEqual(loss.gradientEvaluations, 3)
        // On the tape with another term: d/dx [V(x) + 2 sum x] = grad V + 2.
        let x = Tensor(shape: [1, 2, 1, 1], scalars: [0.3, -0.2])
        let (_, gs) = valueWithGradient(wrt: [x]) { loss.perSample(x).sum() + x.sum() * 2 }
        XCTAssertEqual(gs[0].scalars, [Float(gx) + 2, Float(gy) + 2])
    }
}
