import XCTest
import IsthmusCore
import IsthmusTestSupport

final class PropertyTests: XCTestCase {
    func testSoftmaxRowsSumToOneEvenAtHugeLogits() {
        let x = Tensor(shape: [3, 4], scalars: [1, 2, 3, 4, 1e30, -1e30, 0, 5, -1e30, -1e30, -1e30, -1e30])
        let s = x.softmax(axis: 1)
        XCTAssertTrue(s.isFinite)
        for r in 0..<3 { XCTAssertEqual((0..<4).map { s[flat: r * 4 + $0] }.reduce(0, +), 1, accuracy: 1e-6) }
        let ce = crossEntropyPerSample(logits: x, labels: [3, 1, 0])
        XCTAssertTrue(ce.isFinite)
        XCTAssertEqual(ce[flat: 1], 2e30, accuracy: 1e24)
        XCTAssertEqual(ce[flat: 2], Float(log(4.0)), accuracy: 1e-6)
    }

    func testCrossEntropyMatchesHandComputation() {
        let logits = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let expected = -log(exp(1.0) / (exp(1.0) + exp(2.0) + exp(3.0)))
        XCTAssertEqual(crossEntropy(logits: logits, labels: [0]).scalar, Float(expected), accuracy: 1e-6)
    }

    func testLinspaceEndpoints() {
        let t = Tensor.linspace(0, 1, count: 1000)
        XCTAssertEqual(t[flat: 0], 0); XCTAssertEqual(t[flat: 999], 1); XCTAssertEqual(t.count, 1000)
    }

    func testSeededRandomRepeats() {
        var r1 = SplitMix64(seed: 42), r2 = SplitMix64(seed: 42)
        XCTAssertEqual(Tensor.normal([100], using: &r1).scalars, Tensor.normal([100], using: &r2).scalars)
        var r3 = SplitMix64(seed: 1)
        let u = Tensor.uniform([10_000], using: &r3).scalars
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(u.reduce(0, +) / 10_000, 0.5, accuracy: 0.02)
    }

    func testBroadcastShapes() {
        XCTAssertEqual(broadcastShape([2, 1, 4], [3, 1]), [2, 3, 4])
        let a = Tensor(shape: [2, 1], scalars: [1, 2]), b = Tensor(shape: [3], scalars: [10, 20, 30])
        XCTAssertEqual((a + b).scalars, [11, 21, 31, 12, 22, 32])
    }

    func testReshapeIsAViewAndDetachCutsTheTape() {
        let x = Tensor([1, 2, 3, 4])
        let v = x.reshaped([2, 2])
        x.mutableData[0] = 9
        XCTAssertEqual(v[flat: 0], 9)
        let (_, g) = valueWithGradient(wrt: [x]) { (x.detached * x).sum() }
        XCTAssertEqual(g[0].scalars, x.scalars)
    }
}

/// The input gradient of a small conv net with BN and a residual connection (Issue: engine, must show).
final class SmallNetInputGradientTests: XCTestCase {
    func testConvBNResidualNetInputGradient() {
        let x = randn([2, 3, 8, 8], seed: 40)
        let w1 = randn([4, 3, 3, 3], seed: 41, std: 0.3), w2 = randn([4, 4, 3, 3], seed: 42, std: 0.3)
        let g = Tensor([1.1, 0.9, 1.2, 0.8]), b = Tensor([0.1, -0.1, 0.2, 0])
        let rm = randn([4], seed: 43, std: 0.1), rv = Tensor([0.8, 1.2, 1.0, 1.5])
        let fc = randn([3, 4], seed: 44), fcb = Tensor([0.1, 0.2, -0.3])
        func net() -> Tensor {
            let h = conv2d(x, weight: w1, padding: Padding2D(1)).tanh()
            let r = batchNorm(conv2d(h, weight: w2, padding: Padding2D(1)), weight: g, bias: b,
                              runningMean: rm, runningVar: rv, training: false)
            let y = (h + r).tanh()                                      // h is used twice: residual
            let pooled = adaptiveAvgPool2d(y, outputSize: (1, 1)).flattened()
            return crossEntropy(logits: linear(pooled, weight: fc, bias: fcb), labels: [2, 0])
        }
        assertGradientsMatchFiniteDifferences([x], eps: 1e-2, rtol: 2e-2, atol: 1e-4, maxChecks: 40, net)
    }
}
