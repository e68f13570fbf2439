import XCTest
import IsthmusCore
import IsthmusTestSupport
import IsthmusKernels

final class ElementwiseGradientTests: XCTestCase {
    func testBroadcastArithmetic() {
        let a = randn([2, 3, 4], seed: 1), b = randn([3, 1], seed: 2), c = randn([4], seed: 3)
        for i in 0..<b.count { b.mutableData[i] = 1.5 + abs(b[flat: i]) }
        assertGradientsMatchFiniteDifferences([a, b, c]) { probe((a + c) * b - a / b + c * 2) }
    }

    func testUnaryOps() {
        let x = awayFromZero([3, 5], seed: 4)
        let pos = randn([3, 5], seed: 5)
        for i in 0..<pos.count { pos.mutableData[i] = 0.5 + abs(pos[flat: i]) }
        assertGradientsMatchFiniteDifferences([x]) { probe(x.relu() + x.abs() + x.tanh() + x.sigmoid() + x.gelu() + x.exp()) }
        assertGradientsMatchFiniteDifferences([pos]) { probe(pos.log() + pos.sqrt() + pos.squared() + pos.pow(1.5)) }
        let y = Tensor([-1, 0.5, 3, 7, 5.5, -0.2])
        assertGradientsMatchFiniteDifferences([y], eps: 1e-3) { probe(y.relu6()) }
    }
}

final class ReductionAndMovementGradientTests: XCTestCase {
    func testReductions() {
        let x = randn([2, 3, 4], seed: 9)
        assertGradientsMatchFiniteDifferences([x]) {
            probe(x.sum(axis: 1)) + probe(x.mean(axes: [0, 2])) + probe(x.max(axis: 2)) + x.mean()
        }
    }

    func testMovement() {
        let x = randn([2, 3, 4], seed: 10), y = randn([2, 2, 4], seed: 11)
        assertGradientsMatchFiniteDifferences([x, y]) {
            probe(x.permuted([2, 0, 1])) + probe(x.narrowed(axis: 2, start: 1, length: 2)) +
                probe(concat([x, y], axis: 1)) + probe(x.gathered(rows: [1, 0, 1])) + probe(x.reshaped([6, -1]))
        }
    }

    func testMatmulAllTransposes() {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = randn(ta ? [4, 3] : [3, 4], seed: 12), b = randn(tb ? [5, 4] : [4, 5], seed: 13)
            assertGradientsMatchFiniteDifferences([a, b]) { probe(matmul(a, b, transposeA: ta, transposeB: tb)) }
            let ba = randn(ta ? [2, 4, 3] : [2, 3, 4], seed: 14), bb = randn(tb ? [2, 5, 4] : [2, 4, 5], seed: 15)
            assertGradientsMatchFiniteDifferences([ba, bb]) { probe(batchedMatmul(ba, bb, transposeA: ta, transposeB: tb)) }
        }
    }
}

final class LayerOpGradientTests: XCTestCase {
    func testConv2dStridedAsymmetricPaddingGroups() {
        let x = randn([2, 4, 7, 6], seed: 16), w = randn([6, 2, 3, 2], seed: 17, std: 0.5), b = randn([6], seed: 18)
        assertGradientsMatchFiniteDifferences([x, w, b]) {
            probe(conv2d(x, weight: w, bias: b, stride: (2, 1), padding: Padding2D(top: 1, bottom: 2, left: 0, right: 1), groups: 2))
        }
    }

    func testDepthwiseConv() {
        let x = randn([1, 3, 6, 6], seed: 19), w = randn([3, 1, 3, 3], seed: 20)
        assertGradientsMatchFiniteDifferences([x, w]) {
            probe(conv2d(x, weight: w, stride: (2, 2), padding: Padding2D(top: 0, bottom: 1, left: 0, right: 1), groups: 3))
        }
    }

    func testPooling() {
        let x = randn([2, 2, 7, 7], seed: 21)
        assertGradientsMatchFiniteDifferences([x], eps: 1e-3) {
            probe(maxPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true)) +
                probe(avgPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true, countIncludePad: false)) +
                probe(avgPool2d(x, kernel: (2, 2))) + probe(adaptiveAvgPool2d(x, outputSize: (3, 2)))
        }
    }

    func testFusedReluMaxPoolEqualsReluThenMaxPool() {
        for (shape, k, st, pad) in [([2, 3, 8, 12], 2, 2, 0), ([1, 2, 9, 9], 3, 2, 1)] {
            let x = randn(shape, seed: 26)
            let (y1, g1) = valueWithGradient(wrt: [x]) {
                probe(reluMaxPool2d(x, kernel: (k, k), stride: (st, st), padding: (pad, pad)))
            }
            let (y2, g2) = valueWithGradient(wrt: [x]) {
                probe(maxPool2d(x.relu(), kernel: (k, k), stride: (st, st), padding: (pad, pad)))
            }
            XCTAssertEqual(y1.scalars, y2.scalars)
            XCTAssertEqual(g1[0].scalars, g2[0].scalars)
            let z = awayFromZero(shape, seed: 27)
            assertGradientsMatchFiniteDifferences([z], eps: 1e-3) {
                probe(reluMaxPool2d(z, kernel: (k, k), stride: (st, st), padding: (pad, pad)))
            }
        }
    }

    func testUntrackedMaxPoolSkipsTheArgmaxWithTheSameValues() {
        let x = randn([2, 3, 15, 15], seed: 28), w = randn([1], seed: 29)
        let plain = maxPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true)
        let (_, g) = valueWithGradient(wrt: [w]) {
            let tracked = maxPool2d(x * w, kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true)
            XCTAssertEqual(tracked.scalars, maxPool2d(x * w[flat: 0], kernel: (3, 3), stride: (2, 2), padding: (1, 1),
                                                       ceilMode: true).scalars)
            return tracked.sum()
        }
        XCTAssertEqual(plain.shape, [2, 3, 8, 8])
        XCTAssertNotEqual(g[0][flat: 0], 0)
    }

    /// The activation block of oneDNN's ISA: 16 floats with AVX-512, 8 with AVX2, none below (a cap such as
    /// `ONEDNN_MAX_CPU_ISA=AVX`: the fused ops then take the unfused path).
    static var expectedBlock: Int? {
        KernelSettings.hasAVX512 ? 16 : KernelSettings.oneDNNISA.hasPrefix("avx2") ? 8 : nil
    }

    /// The MNIST CNN's two conv-ReLU-pools and every ResNet-18-CIFAR block's conv pair keep the blocked layout of this
    /// CPU's ISA, at batch 1 (input-space optimization) and 64 (sweeps).
    func testBlockedPathsEngageForTheZooShapes() {
        for n in [1, 64] {
            for (c, hw, k, stride) in [(1, 28, 32, 1), (32, 14, 64, 1), (64, 32, 64, 1), (64, 32, 128, 2), (128, 16, 128, 1),
                                       (128, 16, 256, 2), (256, 8, 256, 1), (256, 8, 512, 2), (512, 4, 512, 1)] {
                let s1 = Conv2DShape(N: n, C: c, H: hw, W: hw, K: k, R: 3, S: 3, strideH: stride, strideW: stride,
                                     padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
                let s2 = Conv2DShape(N: n, C: k, H: s1.P, W: s1.Q, K: k, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1,
                                     padRight: 1)
                XCTAssertEqual(BlockedConv.blockSize(s1), Self.expectedBlock, "output of \(s1) (\(KernelSettings.summary))")
                XCTAssertEqual(BlockedConv.blockSize(s2, input: true, output: false), Self.expectedBlock,
                               "input of \(s2) (\(KernelSettings.summary))")
            }
        }
    }

    func testFusedConvReluPoolEqualsTheComposite() {
        let x = randn([3, 16, 8, 6], seed: 30), w = randn([32, 16, 3, 3], seed: 31), b = randn([32], seed: 32)
        // The fused path engages on this CPU, in the block oneDNN uses for its ISA (16 with AVX-512, 8 with AVX2).
        let expectedBlock = Self.expectedBlock
        XCTAssertEqual(BlockedConv.blockSize(Conv2DShape(N: 3, C: 16, H: 8, W: 6, K: 32, R: 3, S: 3, padTop: 1,
                                                         padBottom: 1, padLeft: 1, padRight: 1)), expectedBlock,
                       "the fused path runs (\(KernelSettings.summary))")
        // So does the MNIST CNN's first layer (1 -> 32 channels, 28x28), at batch 1 and 64.
        for n in [1, 64] {
            XCTAssertEqual(BlockedConv.blockSize(Conv2DShape(N: n, C: 1, H: 28, W: 28, K: 32, R: 3, S: 3, padTop: 1,
                                                             padBottom: 1, padLeft: 1, padRight: 1)), expectedBlock,
                           "MNIST conv1 at batch \(n) (\(KernelSettings.summary))")
        }
        // 16 input channels, and one (a grayscale first layer: its input gradient takes the im2col twin, from the
        // blocked output gradient).
        let gray = randn([2, 1, 28, 28], seed: 33), wGray = randn([32, 1, 3, 3], seed: 34)
        let grayShape = Conv2DShape(N: 2, C: 1, H: 28, W: 28, K: 32, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1,
                                    padRight: 1)
        XCTAssertTrue(grayShape.hasThinInput)
        for (x, w) in [(x, w), (gray, wGray)] {
            let (y1, g1) = valueWithGradient(wrt: [x, w, b]) {
                probe(conv2dReluMaxPool2x2(x, weight: w, bias: b, padding: Padding2D(1)))
            }
            let (y2, g2) = valueWithGradient(wrt: [x, w, b]) {
                probe(reluMaxPool2d(conv2d(x, weight: w, bias: b, padding: Padding2D(1)), kernel: (2, 2)))
            }
            XCTAssertEqual(y1.scalar, y2.scalar, accuracy: 1e-5 * max(1, abs(y2.scalar)))
            for (a, e) in zip(g1, g2) {
                let scale = e.scalars.map(abs).max() ?? 1
                for i in 0..<e.count { XCTAssertEqual(a[flat: i], e[flat: i], accuracy: 1e-5 * max(1, scale)) }
            }
            // Untracked (a sweep's forward, no argmax kept): the same values as on the tape.
            var tracked: [Float] = []
            _ = valueWithGradient(wrt: [x]) {
                let y = conv2dReluMaxPool2x2(x, weight: w, bias: b, padding: Padding2D(1))
                tracked = y.scalars
                return y.sum()
            }
            XCTAssertEqual(conv2dReluMaxPool2x2(x, weight: w, bias: b, padding: Padding2D(1)).scalars, tracked)
        }
        // A NaN input takes the composite path and propagates as PyTorch.
        let bad = x.copy()
        bad.mutableData[5] = .nan
        XCTAssertTrue(conv2dReluMaxPool2x2(bad, weight: w, bias: b, padding: Padding2D(1)).scalars.contains { $0.isNaN })
    }

    func testConvPairWithBlockedIntermediateEqualsTwoConvolutions() {
        for (stride, a1) in [((1, 1), ConvActivation.relu), ((2, 2), .none)] {
            let x = randn([2, 16, 10, 10], seed: 33), w1 = randn([32, 16, 3, 3], seed: 34, std: 0.2)
            let b1 = randn([32], seed: 35), w2 = randn([32, 32, 3, 3], seed: 36, std: 0.2)
            let s1 = Conv2DShape(N: 2, C: 16, H: 10, W: 10, K: 32, R: 3, S: 3, strideH: stride.0, strideW: stride.1,
                                 padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
            XCTAssertEqual(BlockedConv.blockSize(s1, activation: a1), Self.expectedBlock,
                           "the blocked path runs (\(KernelSettings.summary))")
            let pair = { conv2dPair(x, w1, b1, stride1: stride, padding1: Padding2D(1), activation1: a1, w2, nil,
                                    padding2: Padding2D(1)) }
            let two = { conv2d(conv2d(x, weight: w1, bias: b1, stride: stride, padding: Padding2D(1), activation: a1),
                               weight: w2, padding: Padding2D(1)) }
            let (y1, g1) = valueWithGradient(wrt: [x]) { probe(pair()) }
            let (y2, g2) = valueWithGradient(wrt: [x]) { probe(two()) }
            XCTAssertEqual(y1.scalar, y2.scalar, accuracy: 1e-5 * max(1, abs(y2.scalar)))
            assertClose(g1[0], g2[0], rtol: 1e-5, "input gradient, stride \(stride)")
            // Differentiating a weight takes the two convolutions (the pair has no weight gradients).
            let (_, gw) = valueWithGradient(wrt: [x, w2]) { probe(pair()) }
            let (_, gw2) = valueWithGradient(wrt: [x, w2]) { probe(two()) }
            assertClose(gw[1], gw2[1], rtol: 1e-5, "weight gradient")
        }
        let bad = randn([2, 16, 10, 10], seed: 37)
        bad.mutableData[3] = .nan
        let y = conv2dPair(bad, randn([32, 16, 3, 3], seed: 34), nil, padding1: Padding2D(1), activation1: .relu,
                           randn([32, 32, 3, 3], seed: 36), nil, padding2: Padding2D(1))
        XCTAssertTrue(y.scalars.contains { $0.isNaN }, "a NaN propagates as PyTorch")
    }

    /// An inverted bottleneck (expand 1x1 + ReLU6, depthwise kxk stride s with TensorFlow SAME padding + ReLU6, project
    /// 1x1) as one chain: both intermediates stay blocked, and values and input gradient equal the three conv2d.
    func testConvChainWithDepthwiseEqualsTheConvolutionsOneByOne() {
        for (n, k, stride, pad) in [(1, 3, 1, Padding2D(1)), (2, 5, 2, Padding2D(top: 1, bottom: 2, left: 1, right: 2))] {
            let x = randn([n, 16, 11, 11], seed: 40), wE = randn([96, 16, 1, 1], seed: 41, std: 0.3)
            let bE = randn([96], seed: 42), wD = randn([96, 1, k, k], seed: 43, std: 0.3), bD = randn([96], seed: 44)
            let wP = randn([24, 96, 1, 1], seed: 45, std: 0.2), bP = randn([24], seed: 46)
            let layers = [ChainedConv(wE, bE, activation: .relu6),
                          ChainedConv(wD, bD, stride: (stride, stride), padding: pad, groups: 96, activation: .relu6),
                          ChainedConv(wP, bP)]
            let sD = Conv2DShape(N: n, C: 96, H: 11, W: 11, K: 96, R: k, S: k, strideH: stride, strideW: stride,
                                 padTop: pad.top, padBottom: pad.bottom, padLeft: pad.left, padRight: pad.right, groups: 96)
            XCTAssertEqual(BlockedConv.blockSize(sD, activation: .relu6, input: true, output: true, weightGradient: false),
                           Self.expectedBlock,
                           "the depthwise convolution keeps the blocked layout (\(KernelSettings.summary))")
            let chain = { conv2dChain(x, layers) }
            let oneByOne = {
                layers.reduce(x) { h, l in
                    conv2d(h, weight: l.weight, bias: l.bias, stride: l.stride, padding: l.padding, groups: l.groups,
                           activation: l.activation)
                }
            }
            let sE = Conv2DShape(N: n, C: 16, H: 11, W: 11, K: 96, R: 1, S: 1)
            let sP = Conv2DShape(N: n, C: 96, H: sD.P, W: sD.Q, K: 24, R: 1, S: 1)
            XCTAssertEqual(BlockedConv.blockSize(sE, activation: .relu6, weightGradient: false), Self.expectedBlock,
                           "expand output")
            XCTAssertEqual(BlockedConv.blockSize(sP, input: true, output: false), Self.expectedBlock, "project input")
            let (y1, g1) = valueWithGradient(wrt: [x]) { probe(chain()) }
            let (y2, g2) = valueWithGradient(wrt: [x]) { probe(oneByOne()) }
            XCTAssertEqual(y1.scalar, y2.scalar, accuracy: 1e-5 * max(1, abs(y2.scalar)))
            assertClose(chain(), oneByOne(), rtol: 1e-5, "values, kernel \(k) stride \(stride)")
            assertClose(g1[0], g2[0], rtol: 1e-5, "input gradient, kernel \(k) stride \(stride)")
            // Differentiating a weight takes the convolutions one by one (the chain has no weight gradients).
            let (_, gw) = valueWithGradient(wrt: [x, wD]) { probe(chain()) }
            let (_, gw2) = valueWithGradient(wrt: [x, wD]) { probe(oneByOne()) }
            assertClose(gw[1], gw2[1], rtol: 1e-5, "depthwise weight gradient")
        }
        let bad = randn([1, 16, 6, 6], seed: 47)
        bad.mutableData[3] = .nan
        let y = conv2dChain(bad, [ChainedConv(randn([32, 16, 1, 1], seed: 48), activation: .relu6),
                                  ChainedConv(randn([32, 1, 3, 3], seed: 49), padding: Padding2D(1), groups: 32)])
        XCTAssertTrue(y.scalars.contains { $0.isNaN }, "a NaN propagates as PyTorch")
    }

    func testReluPropagatesNaNAsPyTorch() {
        let y = Tensor([.nan, -1, 2]).relu()
        XCTAssertTrue(y[flat: 0].isNaN)
        XCTAssertEqual(y[flat: 1], 0)
        XCTAssertEqual(y[flat: 2], 2)
        let x = Tensor([-1, 0, 2])
        let (_, g) = valueWithGradient(wrt: [x]) { x.relu().sum() }
        XCTAssertEqual(g[0].scalars, [0, 0, 1])
    }

    func testBatchNormTrainAndEval() {
        let x = randn([4, 3, 2, 2], seed: 22), g = randn([3], seed: 23), b = randn([3], seed: 24)
        let rm = Tensor.zeros([3]), rv = Tensor.ones([3])
        assertGradientsMatchFiniteDifferences([x, g, b]) {
            probe(batchNorm(x, weight: g, bias: b, runningMean: rm.copy(), runningVar: rv.copy(), training: true))
        }
        let rm2 = randn([3], seed: 25), rv2 = Tensor([0.5, 1.5, 2])
        assertGradientsMatchFiniteDifferences([x, g, b]) {
            probe(batchNorm(x, weight: g, bias: b, runningMean: rm2, runningVar: rv2, training: false))
        }
    }

    func testBatchNormRunningUpdate() {
        let x = Tensor(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
        let rm = Tensor.zeros([1]), rv = Tensor.ones([1])
        _ = batchNorm(x, weight: nil, bias: nil, runningMean: rm, runningVar: rv, training: true, momentum: 0.1)
        XCTAssertEqual(rm.scalar, 0.25, accuracy: 1e-6)                          // 0.1 * 2.5
        XCTAssertEqual(rv.scalar, 0.9 + 0.1 * (5.0 / 3.0), accuracy: 1e-6)       // unbiased var 5/3
    }

    func testLayerNorm() {
        let x = randn([3, 5], seed: 26), w = randn([5], seed: 27), b = randn([5], seed: 28)
        assertGradientsMatchFiniteDifferences([x, w, b]) { probe(layerNorm(x, weight: w, bias: b)) }
    }

    func testLossComposites() {
        let logits = randn([4, 5], seed: 29), a = awayFromZero([2, 3, 4, 5], seed: 30), t = randn([2, 3, 4, 5], seed: 31)
        assertGradientsMatchFiniteDifferences([logits]) { crossEntropy(logits: logits, labels: [0, 4, 2, 2]) }
        assertGradientsMatchFiniteDifferences([logits]) { probe(logits.softmax(axis: 1)) }
        assertGradientsMatchFiniteDifferences([a], eps: 1e-3) { totalVariation(a) + meanSquaredError(a, t) }
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
