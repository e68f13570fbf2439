import XCTest
import IsthmusCore
import IsthmusKernels
import IsthmusTestSupport
@testable import IsthmusNN

/// fusedConvBN (BatchNorm folded into the convolution, activation fused) against bn(conv(x)) then relu / relu6.
final class ConvBNFusionTests: XCTestCase {
    static func unfused(_ x: Tensor, _ conv: Conv2d, _ bn: BatchNorm2d, _ a: ConvActivation) -> Tensor {
        let y = bn(conv(x))
        switch a {
        case .none: return y
        case .relu: return y.relu()
        case .relu6: return y.relu6()
        case .hardSwish: return y.hardSwish()
        }
    }

    /// A conv + BN pair with non-trivial affine parameters and running statistics (var in [0.2, 2.7]).
    static func pair(_ cin: Int, _ cout: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1,
                     bias: Bool = false, eps: Float, seed: UInt64) -> (Conv2d, BatchNorm2d) {
        var rng = SplitMix64(seed: seed)
        let conv = Conv2d(cin, cout, kernel: kernel, stride: stride, padding: padding, groups: groups, bias: bias, using: &rng)
        let bn = BatchNorm2d(cout, eps: eps)
        bn.weight.assign(Tensor.uniform([cout], low: 0.5, high: 1.5, using: &rng))
        bn.bias.assign(Tensor.normal([cout], std: 0.3, using: &rng))
        bn.runningMean.assign(Tensor.normal([cout], std: 0.2, using: &rng))
        bn.runningVar.assign(Tensor.uniform([cout], low: 0.2, high: 2.7, using: &rng))
        bn.setTraining(false)
        return (conv, bn)
    }

    /// Values and input gradients of the fused path against the unfused one.
    func assertFusedMatchesUnfused(_ x: Tensor, _ conv: Conv2d, _ bn: BatchNorm2d, _ a: ConvActivation, _ message: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        let fused = withoutGradients { fusedConvBN(x, conv, bn, activation: a) }
        let plain = withoutGradients { Self.unfused(x, conv, bn, a) }
        assertClose(fused, plain, message + " values", file: file, line: line)
        let (_, fg) = valueWithGradient(wrt: [x]) { probe(fusedConvBN(x, conv, bn, activation: a)) }
        let (_, ug) = valueWithGradient(wrt: [x]) { probe(Self.unfused(x, conv, bn, a)) }
        assertClose(fg[0], ug[0], message + " input gradient", file: file, line: line)
    }

    func testFusedEqualsUnfusedForEachActivationAndEps() {
        let layers: [(String, Int, Int, Int, Int, Int, Int, Bool)] = [
            // name, cin, cout, kernel, stride, padding, groups, bias
            ("3x3 p1", 16, 24, 3, 1, 1, 1, false),
            ("1x1 s2 with bias", 8, 16, 1, 2, 0, 1, true),
            ("depthwise 3x3 s2", 16, 16, 3, 2, 1, 16, false),
            ("7x7 s2 p3 stem", 3, 16, 7, 2, 3, 1, false),
        ]
        var clipped = (low: 0, high: 0)
        for (li, l) in layers.enumerated() {
            for eps: Float in [1e-3, 1e-5] {
                let (conv, bn) = Self.pair(l.1, l.2, kernel: l.3, stride: l.4, padding: l.5, groups: l.6, bias: l.7, eps: eps,
                                           seed: UInt64(li))
                let x = randn([2, l.1, 11, 10], seed: UInt64(100 + li), std: 3)
                for a in [ConvActivation.none, .relu, .relu6, .hardSwish] {
                    assertFusedMatchesUnfused(x, conv, bn, a, "\(l.0) eps \(eps) \(a)")
                }
                let y = withoutGradients { fusedConvBN(x, conv, bn, activation: .relu6) }.scalars
                clipped.low += y.filter { $0 == 0 }.count
                clipped.high += y.filter { $0 == 6 }.count
            }
        }
        XCTAssertGreaterThan(min(clipped.low, clipped.high), 20, "outputs must cross both kinks")
    }

    func testFoldedTensorsAreReusedWhileSourcesAreUnchanged() {
        let (conv, bn) = Self.pair(8, 8, kernel: 3, padding: 1, eps: 1e-3, seed: 7)
        let x = randn([1, 8, 6, 6], seed: 8)
        let first = bn.folded(into: conv)
        let stamps = (first.weight.storage.version, first.bias.storage.version)
        _ = fusedConvBN(x, conv, bn, activation: .relu)
        let second = bn.folded(into: conv)
        XCTAssertTrue(first.weight === second.weight && first.bias === second.bias)
        XCTAssertEqual(stamps.0, second.weight.storage.version, "an unchanged fold keeps its version (cached blocked weights)")
        XCTAssertEqual(stamps.1, second.bias.storage.version)
    }

    func testFoldIsRefreshedWhenASourceChanges() {
        let (conv, bn) = Self.pair(8, 12, kernel: 3, padding: 1, eps: 1e-3, seed: 9)
        let x = randn([2, 8, 6, 6], seed: 10, std: 2)
        assertFusedMatchesUnfused(x, conv, bn, .relu6, "initial")
        let folded = bn.folded(into: conv)
        let edits: [(String, () -> Void)] = [
            ("runningVar via mutableData", { bn.runningVar.mutableData[3] = 4.5 }),
            ("runningMean via assign", { bn.runningMean.assign(randn([12], seed: 11)) }),
            ("bn.weight", { bn.weight.mutableData[0] = -0.7 }),
            ("bn.bias", { bn.bias.assign(randn([12], seed: 12)) }),
            ("conv.weight", { conv.weight.mutableData[5] += 1 }),
            ("eps", { bn.eps = 1e-5 }),
        ]
        for (name, edit) in edits {
            let before = withoutGradients { fusedConvBN(x, conv, bn, activation: .relu6) }.scalars
            edit()
            assertFusedMatchesUnfused(x, conv, bn, .relu6, name)
            XCTAssertNotEqual(withoutGradients { fusedConvBN(x, conv, bn, activation: .relu6) }.scalars, before, name)
            let again = bn.folded(into: conv)
            XCTAssertTrue(again.weight === folded.weight && again.bias === folded.bias, "\(name): refolded in place")
        }
    }

    /// Training mode and differentiated parameters take the unfused path: identical values, running-statistics
    /// updates and parameter gradients (which also match finite differences).
    func testTrainingModeAndTrackedParametersAreUnfused() {
        let (convA, bnA) = Self.pair(4, 6, kernel: 3, padding: 1, bias: true, eps: 1e-5, seed: 13)
        let (convB, bnB) = Self.pair(4, 6, kernel: 3, padding: 1, bias: true, eps: 1e-5, seed: 13)
        let x = randn([3, 4, 5, 5], seed: 14, std: 2)
        bnA.setTraining(true); bnB.setTraining(true)
        let fused = fusedConvBN(x, convA, bnA, activation: .relu)
        let plain = Self.unfused(x, convB, bnB, .relu)
        XCTAssertEqual(fused.scalars, plain.scalars)
        XCTAssertEqual(bnA.runningMean.scalars, bnB.runningMean.scalars)
        XCTAssertEqual(bnA.runningVar.scalars, bnB.runningVar.scalars)
        XCTAssertEqual(bnA.numBatchesTracked.scalars, bnB.numBatchesTracked.scalars)

        for training in [true, false] {
            bnA.setTraining(training); bnB.setTraining(training)
            let paramsA = [x, convA.weight, convA.bias!, bnA.weight, bnA.bias]
            let paramsB = [x, convB.weight, convB.bias!, bnB.weight, bnB.bias]
            for a in [ConvActivation.relu, .relu6] {
                let (va, ga) = valueWithGradient(wrt: paramsA) { probe(fusedConvBN(x, convA, bnA, activation: a)) }
                let (vb, gb) = valueWithGradient(wrt: paramsB) { probe(Self.unfused(x, convB, bnB, a)) }
                XCTAssertEqual(va.scalar, vb.scalar, "training \(training) \(a)")
                for k in 0..<paramsA.count { XCTAssertEqual(ga[k].scalars, gb[k].scalars, "training \(training) \(a) input \(k)") }
            }
            // Only bn.weight differentiated: unfused, so it gets its gradient.
            let (_, gw) = valueWithGradient(wrt: [bnA.weight]) { probe(fusedConvBN(x, convA, bnA, activation: .relu)) }
            let (_, gu) = valueWithGradient(wrt: [bnB.weight]) { probe(Self.unfused(x, convB, bnB, .relu)) }
            XCTAssertEqual(gw[0].scalars, gu[0].scalars)
            XCTAssertTrue(gw[0].scalars.contains { $0 != 0 })
        }
        for training in [false, true] {
            let (conv, bn) = Self.pair(3, 4, kernel: 3, padding: 1, bias: true, eps: 1e-3, seed: 15)
            bn.setTraining(training)
            let x = kinkFreeInput([2, 3, 3, 3], conv, bn)
            for a in [ConvActivation.relu, .relu6] {
                // conv.bias has no effect on batch-normalized outputs.
                let params = training ? [conv.weight, bn.weight, bn.bias] : [conv.weight, conv.bias!, bn.weight, bn.bias]
                assertGradientsMatchFiniteDifferences(params, "training \(training) \(a)", eps: 1e-3, maxChecks: 16) {
                    probe(fusedConvBN(x, conv, bn, activation: a))
                }
            }
        }
    }

    /// An input whose pre-activations bn(conv(x)) all lie at least 0.02 from the kinks 0 and 6, so that the finite
    /// differences below (weights moved by 1e-3) see a smooth function.
    func kinkFreeInput(_ shape: [Int], _ conv: Conv2d, _ bn: BatchNorm2d) -> Tensor {
        for seed in UInt64(200)..<1200 {
            let x = randn(shape, seed: seed)
            let pre = withoutGradients { batchNorm(conv(x), weight: bn.weight, bias: bn.bias, runningMean: bn.runningMean.copy(),
                                                   runningVar: bn.runningVar.copy(), training: bn.training, eps: bn.eps) }
            if pre.scalars.allSatisfy({ abs($0) > 0.02 && abs($0 - 6) > 0.02 }) { return x }
        }
        XCTFail("no kink-free input among the seeds")
        return randn(shape, seed: 0)
    }

    /// The models' eval forward (fused) equals the same model run layer by layer without fusion.
    func testModelsFusedForwardMatchesUnfusedLayers() {
        var r = SplitMix64(seed: 3)
        let resnet = ResNet18Cifar(classes: 10, using: &r)
        let effnet = EfficientNetLite0(classes: 10, imageSize: 32, using: &r)
        let inception = BasicConv2d(8, 16, kernel: 3, padding: 1, using: &r)
        for m in [resnet, effnet, inception] as [Module] {
            for e in m.state where e.name.hasSuffix("running_var") { e.tensor.assign(Tensor.uniform(e.tensor.shape, low: 0.3, high: 2, using: &r)) }
            for e in m.state where e.name.hasSuffix("running_mean") { e.tensor.assign(Tensor.normal(e.tensor.shape, std: 0.2, using: &r)) }
            m.setTraining(false)
        }
        let x32 = Tensor.normal([2, 3, 32, 32], using: &r)
        // ResNet BasicBlock with a projection, unfused by hand.
        let block = resnet.layers[1].layers[0] as! BasicBlock
        let h = Tensor.normal([2, 64, 8, 8], using: &r)
        let proj = block.projection!
        let expected = (block.bn2(block.conv2(block.bn1(block.conv1(h)).relu())) + proj(h)).relu()
        assertClose(withoutGradients { block(h) }, expected, "BasicBlock with projection")
        // EfficientNet MBConv (expand, depthwise, project, skip), unfused by hand.
        let mb = effnet.blocks[2]
        let hm = Tensor.normal([2, 24, 8, 8], using: &r)
        var u = mb.bn0!(mb.expandConv!(hm)).relu6()
        u = mb.bn2(mb.projectConv(mb.bn1(mb.depthwiseConv(u)).relu6())) + hm
        assertClose(withoutGradients { mb(hm) }, u, "MBConvBlock")
        let hi = Tensor.normal([2, 8, 5, 5], using: &r)
        assertClose(withoutGradients { inception(hi) }, inception.bn(inception.conv(hi)).relu(), "BasicConv2d")
        XCTAssertTrue(resnet(x32).isFinite && effnet(x32).isFinite)
    }

    /// ResNet-18 (CIFAR and torchvision) and, where oneDNN's channel block is 8 (AVX2), EfficientNet-Lite0 in eval
    /// mode run their body as one blocked `convTrunk`: logits and input gradient equal the unfolded model's, layer
    /// by layer; in training mode the trunk stays off.
    func testModelBodiesRunAsOneTrunk() {
        var r = SplitMix64(seed: 4)
        let models: [Module] = [ResNet18Cifar(classes: 10, using: &r), ResNet18(classes: 10, using: &r),
                                EfficientNetLite0(classes: 10, imageSize: 224, using: &r)]
        for m in models {
            // EfficientNet's 24- and 40-channel stages run widened at AVX-512's block of 16.
            let trunks = 1
            for e in m.state where e.name.hasSuffix("running_var") { e.tensor.assign(Tensor.uniform(e.tensor.shape, low: 0.3, high: 2, using: &r)) }
            for e in m.state where e.name.hasSuffix("running_mean") { e.tensor.assign(Tensor.normal(e.tensor.shape, std: 0.2, using: &r)) }
            m.setTraining(false)
            // At 32x32 EfficientNet's last stride-2 depthwise 5x5 sees 2x2 pixels, which oneDNN does not block.
            let x = Tensor.normal(m is EfficientNetLite0 ? [1, 3, 224, 224] : [2, 3, 32, 32], using: &r)
            let before = ConvTrunkStatistics.blockedForwards
            let (y, g) = valueWithGradient(wrt: [x]) { probe(m(x)) }
            XCTAssertEqual(ConvTrunkStatistics.blockedForwards, before + trunks, "\(type(of: m)): the body ran as one trunk")
            BatchNormFolding.enabled = false
            let (y0, g0) = valueWithGradient(wrt: [x]) { probe(m(x)) }
            let logits0 = withoutGradients { m(x) }
            BatchNormFolding.enabled = true
            XCTAssertEqual(ConvTrunkStatistics.blockedForwards, before + trunks, "unfolded: layer by layer")
            XCTAssertEqual(y.scalar, y0.scalar, accuracy: 1e-4 * max(1, abs(y0.scalar)))
            assertClose(withoutGradients { m(x) }, logits0, rtol: 1e-4, "\(type(of: m)) logits")
            assertClose(g[0], g0[0], rtol: 1e-4, "\(type(of: m)) input gradient")
            m.setTraining(true)
            _ = withoutGradients { m(x) }
            m.setTraining(false)
            XCTAssertEqual(ConvTrunkStatistics.blockedForwards, before + 2 * trunks, "training mode: layer by layer")
        }
    }

    /// An Inception with frozen eval-mode weights runs its three 1x1 convolutions on x as one stacked convolution:
    /// same logits and input gradient as the unfolded layers, and a changed weight reaches the stacked one.
    func testInceptionStacksItsInputConvolutions() {
        var r = SplitMix64(seed: 6)
        let m = Inception(48, 16, 24, 32, 8, 16, 16, using: &r)
        for e in m.state where e.name.hasSuffix("running_var") { e.tensor.assign(Tensor.uniform(e.tensor.shape, low: 0.3, high: 2, using: &r)) }
        for e in m.state where e.name.hasSuffix("running_mean") { e.tensor.assign(Tensor.normal(e.tensor.shape, std: 0.2, using: &r)) }
        m.setTraining(false)
        let x = Tensor.normal([2, 48, 9, 9], using: &r)
        func check(_ label: String) {
            XCTAssertNotNil(withoutGradients { m.mergedForward(x) }, "\(label): the stacked path runs")
            let (y, g) = valueWithGradient(wrt: [x]) { probe(m(x)) }
            BatchNormFolding.enabled = false
            let (y0, g0) = valueWithGradient(wrt: [x]) { probe(m(x)) }
            let out0 = withoutGradients { m(x) }
            BatchNormFolding.enabled = true
            XCTAssertEqual(out0.shape, [2, 16 + 32 + 16 + 16, 9, 9])
            XCTAssertEqual(y.scalar, y0.scalar, accuracy: 1e-4 * max(1, abs(y0.scalar)), label)
            assertClose(withoutGradients { m(x) }, out0, rtol: 1e-5, "\(label): output")
            assertClose(g[0], g0[0], rtol: 1e-5, "\(label): input gradient")
        }
        check("stacked")
        let before = withoutGradients { m(x) }
        let w = (m.branch2.layers[0] as! BasicConv2d).conv.weight
        w.assign(w * 1.5)
        check("after a weight change")
        XCTAssertGreaterThan(relativeL2(withoutGradients { m(x) }.scalars, before.scalars), 1e-3, "the changed weight took effect")
    }

    /// GoogLeNet's inference path with every activation blocked (stem, Inceptions, pools) gives the logits of the
    /// unfolded NCHW layers; a NaN input leaves it to the NCHW path, whose NaN propagates.
    func testGoogLeNetBlockedInferenceEqualsNCHWLayers() {
        var r = SplitMix64(seed: 8)
        let net = GoogLeNet(classes: 10, using: &r)
        for e in net.state where e.name.hasSuffix("running_var") { e.tensor.assign(Tensor.uniform(e.tensor.shape, low: 0.3, high: 2, using: &r)) }
        for e in net.state where e.name.hasSuffix("running_mean") { e.tensor.assign(Tensor.normal(e.tensor.shape, std: 0.2, using: &r)) }
        net.setTraining(false)
        let x = Tensor.normal([3, 3, 40, 40], using: &r)
        let blocked = withoutGradients { net.blockedForward(x) }
        XCTAssertNotNil(blocked, "the blocked path runs")
        BatchNormFolding.enabled = false
        let reference = withoutGradients { net(x) }
        BatchNormFolding.enabled = true
        XCTAssertEqual(reference.shape, [3, 10])
        if let blocked { assertClose(blocked, reference, rtol: 1e-4, "blocked logits") }
        assertClose(withoutGradients { net(x) }, reference, rtol: 1e-4, "forward takes it")
        let bad = x.copy()
        bad.mutableData[77] = .nan
        XCTAssertNil(withoutGradients { net.blockedForward(bad) }, "a NaN input declines")
        XCTAssertTrue(withoutGradients { net(bad) }.scalars.contains { $0.isNaN }, "the NCHW path propagates the NaN")
    }

    /// Inception.blockedForward at the block oneDNN picks here (16 with AVX-512, 8 with AVX2) equals the unfolded
    /// NCHW branches, on torchvision's inception4b (a 24-channel reduction: padded at block 16) and on a module
    /// whose reductions (20, 12) are padded at either block. A branch output that is not a multiple declines.
    func testInceptionBlockedForwardPadsReductionsToTheBlock() throws {
        for (seed, widths, hw) in [(UInt64(3), [512, 160, 112, 224, 24, 64, 64], 7), (4, [64, 32, 20, 32, 12, 16, 16], 9),
                                   (5, [64, 32, 16, 36, 16, 16, 16], 6)] {
            var r = SplitMix64(seed: seed)
            let m = Inception(widths[0], widths[1], widths[2], widths[3], widths[4], widths[5], widths[6], using: &r)
            for e in m.state where e.name.hasSuffix("running_var") { e.tensor.assign(Tensor.uniform(e.tensor.shape, low: 0.3, high: 2, using: &r)) }
            for e in m.state where e.name.hasSuffix("running_mean") { e.tensor.assign(Tensor.normal(e.tensor.shape, std: 0.2, using: &r)) }
            m.setTraining(false)
            let x = Tensor.normal([2, widths[0], hw, hw], using: &r).relu()
            let probe = ChainedConv(Tensor.zeros([16, widths[0], 1, 1]), activation: .relu)
            let block = try XCTUnwrap(BlockedActivation.block(for: probe, input: x.shape), "oneDNN runs a 1x1 blocked")
            let xb = try XCTUnwrap(BlockedActivation(x, block: block))
            BatchNormFolding.enabled = false
            let reference = withoutGradients { m(x) }
            BatchNormFolding.enabled = true
            let blocked = withoutGradients { m.blockedForward(xb) }
            if widths[3] % block != 0 {
                XCTAssertNil(blocked, "a 3x3 branch of \(widths[3]) channels declines at block \(block)")
                continue
            }
            let y = try XCTUnwrap(blocked, "inception \(widths) runs blocked at block \(block)")
            XCTAssertEqual(y.shape, reference.shape)
            assertClose(y.plain(), reference, rtol: 1e-4, "inception \(widths), block \(block)")
            // The cached padded weights are rebuilt when a weight changes.
            m.branch3.layers.first.flatMap { $0 as? BasicConv2d }?.bn.bias.assign(Tensor.full([widths[4]], 0.5))
            BatchNormFolding.enabled = false
            let changed = withoutGradients { m(x) }
            BatchNormFolding.enabled = true
            assertClose(try XCTUnwrap(withoutGradients { m.blockedForward(xb) }).plain(), changed, rtol: 1e-4, "after a change")
        }
    }
}
