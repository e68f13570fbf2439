import XCTest
import IsthmusCore
import IsthmusKernels
import IsthmusTestSupport

/// conv2d with a fused activation against conv2d followed by relu / relu6: values, gradients and NaN semantics.
final class FusedConvTests: XCTestCase {
    static func unfused(_ y: Tensor, _ a: ConvActivation) -> Tensor {
        switch a {
        case .none: return y
        case .relu: return y.relu()
        case .relu6: return y.relu6()
        case .hardSwish: return y.hardSwish()
        }
    }

    static let cases: [(name: String, x: [Int], w: [Int], stride: (Int, Int), padding: Padding2D, groups: Int)] = [
        ("3x3 p1", [2, 16, 7, 6], [24, 16, 3, 3], (1, 1), Padding2D(1), 1),
        ("1x1 s2", [2, 8, 9, 8], [16, 8, 1, 1], (2, 2), .zero, 1),
        ("depthwise 5x5 s2 SAME", [1, 16, 9, 9], [16, 1, 5, 5], (2, 2), Padding2D(top: 1, bottom: 2, left: 1, right: 2), 16),
        ("groups 2 asym", [2, 4, 7, 6], [6, 2, 3, 2], (2, 1), Padding2D(top: 1, bottom: 2, left: 0, right: 1), 2),
    ]

    func testFusedActivationEqualsConvThenActivation() {
        for (ci, c) in Self.cases.enumerated() {
            let seed = UInt64(10 * ci)
            // Inputs scaled so that outputs cross both 0 and 6.
            let x = randn(c.x, seed: seed + 1, std: 2), w = randn(c.w, seed: seed + 2), b = randn([c.w[0]], seed: seed + 3)
            for a in [ConvActivation.none, .relu, .relu6, .hardSwish] {
                let f = { conv2d(x, weight: w, bias: b, stride: c.stride, padding: c.padding, groups: c.groups, activation: a) }
                let u = { Self.unfused(conv2d(x, weight: w, bias: b, stride: c.stride, padding: c.padding, groups: c.groups), a) }
                let (fv, fg) = valueWithGradient(wrt: [x, w, b]) { probe(f()) }
                let (uv, ug) = valueWithGradient(wrt: [x, w, b]) { probe(u()) }
                let fy = withoutGradients(f), uy = withoutGradients(u)
                assertClose(fy, uy, "\(c.name) \(a) values")
                if a == .relu6 {
                    XCTAssertTrue(fy.scalars.contains(0) && fy.scalars.contains(6), "\(c.name): outputs must cross both kinks")
                }
                XCTAssertEqual(fv.scalar, uv.scalar, accuracy: 1e-5 * max(1, abs(uv.scalar)), "\(c.name) \(a)")
                for (k, name) in ["dx", "dw", "db"].enumerated() { assertClose(fg[k], ug[k], "\(c.name) \(a) \(name)") }
            }
        }
    }

    func testFusedActivationGradientsMatchFiniteDifferences() {
        let x = randn([2, 3, 6, 5], seed: 40), w = randn([4, 3, 3, 3], seed: 41, std: 0.7), b = randn([4], seed: 42)
        for a in [ConvActivation.relu, .relu6, .hardSwish] {
            assertGradientsMatchFiniteDifferences([x, w, b], eps: 1e-3) {
                probe(conv2d(x, weight: w, bias: b, padding: Padding2D(1), activation: a))
            }
        }
    }

    /// PyTorch's threshold / hardtanh backward: relu passes where y > 0 (and where y is NaN), relu6 where 0 < y < 6.
    func testGradientIsGatedByTheOutput() {
        let x = Tensor(shape: [1, 1, 1, 7], scalars: [-1, 0, 3, 6, 7, .nan, 5.9])
        let w = Tensor(shape: [1, 1, 1, 1], scalars: [1])
        for (a, values, gate) in [(ConvActivation.relu, [0, 0, 3, 6, 7, Float.nan, 5.9], [Float(0), 0, 1, 1, 1, 1, 1]),
                                  (.relu6, [0, 0, 3, 6, 6, .nan, 5.9], [0, 0, 1, 0, 0, 0, 1])] {
            let (y, g) = valueWithGradient(wrt: [x]) { conv2d(x, weight: w, activation: a) }
            XCTAssertEqual(y.scalars.map { $0.isNaN ? -99 : $0 }, values.map { $0.isNaN ? -99 : $0 }, "\(a)")
            XCTAssertEqual(g[0].scalars, gate, "\(a)")
        }
    }

    /// A NaN in the input (oneDNN's post-ops would zero it) stays NaN, as in conv2d(...).relu().
    func testNaNInputPropagatesAsUnfused() {
        let x = randn([1, 16, 6, 6], seed: 50), w = randn([16, 16, 3, 3], seed: 51, std: 0.3)
        x.mutableData[17] = .nan
        for a in [ConvActivation.relu, .relu6, .hardSwish] {
            let fused = conv2d(x, weight: w, padding: Padding2D(1), activation: a)
            let plain = Self.unfused(conv2d(x, weight: w, padding: Padding2D(1)), a)
            XCTAssertGreaterThan(plain.scalars.filter(\.isNaN).count, 0)
            assertClose(fused, plain, "\(a)")
        }
    }

    /// Only the input is differentiated (frozen weights): no weight gradient work, same input gradient.
    func testFrozenWeightsInputGradient() {
        let x = randn([2, 8, 5, 5], seed: 60, std: 2), w = randn([8, 8, 3, 3], seed: 61, std: 0.4)
        for a in [ConvActivation.relu, .relu6, .hardSwish] {
            let (_, fg) = valueWithGradient(wrt: [x]) { probe(conv2d(x, weight: w, padding: Padding2D(1), activation: a)) }
            let (_, ug) = valueWithGradient(wrt: [x]) { probe(Self.unfused(conv2d(x, weight: w, padding: Padding2D(1)), a)) }
            assertClose(fg[0], ug[0], "\(a) dx")
        }
    }

    /// hardswish runs inside oneDNN's convolution when nothing is differentiated, and as conv2d(...).hardSwish()
    /// (whose pullback reads the pre-activation) when the input or a weight is; both give the same values. The pair
    /// of convolutions falls back to two conv2d calls when it would have to gate a hardswish gradient.
    func testHardSwishIsFusedOnlyWithoutRecording() {
        let x = randn([2, 16, 7, 6], seed: 70, std: 2), w = randn([16, 16, 3, 3], seed: 71, std: 0.3), b = randn([16], seed: 72)
        let w2 = randn([8, 16, 3, 3], seed: 73, std: 0.3)
        let conv = { conv2d(x, weight: w, bias: b, padding: Padding2D(1), activation: .hardSwish) }
        let pair = { conv2dPair(x, w, b, padding1: Padding2D(1), activation1: .hardSwish, w2, nil, padding2: Padding2D(1),
                                activation2: .hardSwish) }
        let pairPlain = { conv2d(conv2d(x, weight: w, bias: b, padding: Padding2D(1)).hardSwish(), weight: w2,
                                 padding: Padding2D(1)).hardSwish() }
        let n0 = ConvolutionSettings.postOpForwards(.hardSwish)
        let fused = withoutGradients(conv), fusedPair = withoutGradients(pair)
        XCTAssertEqual(ConvolutionSettings.postOpForwards(.hardSwish), n0 + 3, "fused without recording")
        let (_, g) = valueWithGradient(wrt: [x]) { probe(conv()) }
        let (_, gp) = valueWithGradient(wrt: [x]) { probe(pair()) }
        XCTAssertEqual(ConvolutionSettings.postOpForwards(.hardSwish), n0 + 3, "unfused while recording")
        let (_, ug) = valueWithGradient(wrt: [x]) { probe(Self.unfused(conv2d(x, weight: w, bias: b, padding: Padding2D(1)), .hardSwish)) }
        let (_, ugp) = valueWithGradient(wrt: [x]) { probe(pairPlain()) }
        assertClose(fused, withoutGradients { Self.unfused(conv2d(x, weight: w, bias: b, padding: Padding2D(1)), .hardSwish) }, "conv values")
        assertClose(fusedPair, withoutGradients(pairPlain), "pair values")
        assertClose(g[0], ug[0], "conv dx")
        assertClose(gp[0], ugp[0], "pair dx")
        XCTAssertTrue(fused.scalars.contains { $0 < 0 } && fused.scalars.contains { $0 > 3 }, "outputs must span the curve")
    }
}
