import XCTest
import IsthmusCore
import IsthmusKernels
import IsthmusTestSupport

/// `convTrunk` (a ResNet body in oneDNN's blocked layout) against its stages one by one.
final class ConvTrunkTests: XCTestCase {
    static var expectedBlock: Int? {
        KernelSettings.hasAVX512 ? 16 : KernelSettings.oneDNNISA.hasPrefix("avx2") ? 8 : nil
    }

    /// A small ResNet body: optional stem conv, an identity block, a strided block with a 1x1 projection, and
    /// optionally a closing conv. 16 and 32 channels: multiples of both channel blocks.
    static func stages(stem: Bool, tail: Bool, bias: Bool = true, relu: ConvActivation = .relu) -> [TrunkStage] {
        func conv(_ k: Int, _ c: Int, _ r: Int, stride: Int = 1, _ a: ConvActivation, seed: UInt64) -> ChainedConv {
            ChainedConv(randn([k, c, r, r], seed: seed, std: (2 / Float(c * r * r)).squareRoot()),
                        bias ? randn([k], seed: seed + 100, std: 0.1) : nil, stride: (stride, stride),
                        padding: Padding2D(r / 2), activation: a)
        }
        var s: [TrunkStage] = []
        if stem { s.append(.conv(conv(16, 3, 3, relu, seed: 1))) }
        s.append(.residual(main: [conv(16, 16, 3, relu, seed: 2), conv(16, 16, 3, .none, seed: 3)], shortcut: nil,
                           activation: relu))
        s.append(.residual(main: [conv(32, 16, 3, stride: 2, relu, seed: 4), conv(32, 32, 3, .none, seed: 5)],
                           shortcut: conv(32, 16, 1, stride: 2, .none, seed: 6), activation: relu))
        if tail { s.append(.conv(conv(32, 32, 3, .none, seed: 7))) }
        return s
    }

    func testBlockedTrunkEqualsStagesOneByOne() {
        // Without a blocked layout (no AVX2 in oneDNN) the trunk must take the stages one by one: same values.
        let block = Self.expectedBlock
        for (stem, tail) in [(true, false), (false, false), (true, true), (false, true)] {
            for n in [1, 3] {
                let x = randn([n, stem ? 3 : 16, 12, 10], seed: 40 + UInt64(n))
                let stages = Self.stages(stem: stem, tail: tail)
                let before = ConvTrunkStatistics.blockedForwards
                let (y1, g1) = valueWithGradient(wrt: [x]) { probe(convTrunk(x, stages)) }
                XCTAssertEqual(ConvTrunkStatistics.blockedForwards, before + (block == nil ? 0 : 1),
                               "the blocked trunk ran (block \(block.map(String.init) ?? "none"), \(KernelSettings.summary))")
                let (y2, g2) = valueWithGradient(wrt: [x]) { probe(stages.reduce(x) { h, s in oneByOne(h, s) }) }
                let what = "stem \(stem), tail \(tail), batch \(n)"
                XCTAssertEqual(y1.scalar, y2.scalar, accuracy: 1e-5 * max(1, abs(y2.scalar)), what)
                assertClose(convTrunk(x, stages), stages.reduce(x) { h, s in oneByOne(h, s) }, rtol: 1e-5, "values, \(what)")
                assertClose(g1[0], g2[0], rtol: 1e-5, "input gradient, \(what)")
                XCTAssertEqual(convTrunk(x, stages).shape, [n, 32, 6, 5])
            }
        }
    }

    /// Without ReLUs (whose kinks a finite difference may straddle): the blocked convolutions' input gradients and
    /// the sums; the ReLU gates are held to the unfused ops above.
    func testInputGradientMatchesFiniteDifferences() {
        for stem in [true, false] {
            let x = randn([1, stem ? 3 : 16, 6, 6], seed: 50)
            let stages = Self.stages(stem: stem, tail: true, relu: .none)
            let before = ConvTrunkStatistics.blockedForwards
            assertGradientsMatchFiniteDifferences([x], eps: 1e-2) { probe(convTrunk(x, stages)) }
            XCTAssertEqual(ConvTrunkStatistics.blockedForwards > before, Self.expectedBlock != nil,
                           "the blocked trunk ran where oneDNN has a blocked layout")
        }
    }

    func testDifferentiatedWeightTakesTheStagesOneByOne() {
        let x = randn([2, 3, 8, 8], seed: 51)
        let stages = Self.stages(stem: true, tail: false)
        guard case .residual(let main, _, _) = stages[1] else { return XCTFail("stage 1 is a residual block") }
        let w = main[0].weight
        let before = ConvTrunkStatistics.blockedForwards
        let (_, g1) = valueWithGradient(wrt: [x, w]) { probe(convTrunk(x, stages)) }
        XCTAssertEqual(ConvTrunkStatistics.blockedForwards, before, "a differentiated weight is not frozen")
        let (_, g2) = valueWithGradient(wrt: [x, w]) { probe(stages.reduce(x) { h, s in oneByOne(h, s) }) }
        assertClose(g1[1], g2[1], rtol: 1e-5, "weight gradient")
    }

    func testNaNPropagatesAsPyTorch() {
        for stem in [true, false] {
            let x = randn([1, stem ? 3 : 16, 8, 8], seed: 52)
            x.mutableData[7] = .nan
            let y = convTrunk(x, Self.stages(stem: stem, tail: false))
            XCTAssertTrue(y.scalars.contains { $0.isNaN }, "a NaN in x reaches the output (stem \(stem))")
        }
    }

    /// A trunk with a 12-channel residual stage (between depthwise and dense layers, MobileNet style), a 20-channel
    /// projection and a 4-channel one: widened by `paddedTrunkStages` it runs blocked at the CPU's block (8 or 16,
    /// neither divides 12 or 20), with the values and input gradient of the stages one by one. The widened stages
    /// themselves, one by one, give the same values; a grouped (non-depthwise) layer cannot be widened.
    func testPaddedTrunkRunsBlockedWithTheSameValues() throws {
        func conv(_ k: Int, _ c: Int, _ r: Int, stride: Int = 1, groups: Int = 1, _ a: ConvActivation, seed: UInt64) -> ChainedConv {
            ChainedConv(randn([k, c / groups, r, r], seed: seed, std: (2 / Float(c / groups * r * r)).squareRoot()),
                        randn([k], seed: seed + 100, std: 0.1), stride: (stride, stride), padding: Padding2D(r / 2),
                        groups: groups, activation: a)
        }
        let stages: [TrunkStage] = [
            .conv(conv(16, 3, 3, stride: 2, .relu6, seed: 1)),
            .conv(conv(16, 16, 3, groups: 16, .relu6, seed: 2)), .conv(conv(12, 16, 1, .none, seed: 3)),
            .residual(main: [conv(48, 12, 1, .relu6, seed: 4), conv(48, 48, 3, groups: 48, .relu6, seed: 5),
                             conv(12, 48, 1, .none, seed: 6)], shortcut: nil, activation: .none),
            .residual(main: [conv(20, 12, 3, .relu, seed: 7), conv(20, 20, 3, .none, seed: 8)],
                      shortcut: conv(20, 12, 1, .none, seed: 9), activation: .relu),
            .conv(conv(4, 20, 1, .relu, seed: 10)), .conv(conv(32, 4, 1, .relu6, seed: 11)),
        ]
        let x = randn([2, 3, 14, 14], seed: 60)
        let reference = withoutGradients { stages.reduce(x) { h, s in oneByOne(h, s) } }
        for block in [8, 16] {
            let padded = try XCTUnwrap(paddedTrunkStages(stages, block: block))
            assertClose(withoutGradients { padded.reduce(x) { h, s in oneByOne(h, s) } }, reference, rtol: 1e-5,
                        "widened to \(block), one by one")
        }
        XCTAssertNil(blockedConvTrunk(x, stages), "unwidened, 12 channels do not fit a block")
        let cache = DerivedConvs<[TrunkStage]?>()
        let before = ConvTrunkStatistics.blockedForwards
        let (y1, g1) = valueWithGradient(wrt: [x]) { probe(blockedConvTrunk(x, stages, padding: cache) ?? x.sum()) }
        XCTAssertEqual(ConvTrunkStatistics.blockedForwards, before + (Self.expectedBlock == nil ? 0 : 1),
                       "the widened trunk ran blocked (\(KernelSettings.summary))")
        let (y2, g2) = valueWithGradient(wrt: [x]) { probe(stages.reduce(x) { h, s in oneByOne(h, s) }) }
        if Self.expectedBlock != nil {
            XCTAssertEqual(y1.scalar, y2.scalar, accuracy: 1e-5 * max(1, abs(y2.scalar)))
            assertClose(g1[0], g2[0], rtol: 1e-4, "input gradient")
            assertClose(try XCTUnwrap(blockedConvTrunk(x, stages, padding: cache)), reference, rtol: 1e-5, "values")
        }
        let grouped: [TrunkStage] = [.conv(conv(16, 3, 3, .relu, seed: 12)), .conv(conv(12, 16, 3, groups: 4, .relu, seed: 13)),
                                     .conv(conv(8, 12, 1, .none, seed: 14))]
        XCTAssertNil(paddedTrunkStages(grouped, block: 16), "a grouped layer reading widened channels")
    }

    func testAnUnfitShortcutTakesTheStagesOneByOne() {
        // A shortcut with its own activation cannot be summed in place: the stages run one by one, same result.
        var stages = Self.stages(stem: true, tail: false)
        guard case .residual(let main, var shortcut?, let a) = stages[2] else { return XCTFail("stage 2 projects") }
        shortcut.activation = .relu
        stages[2] = .residual(main: main, shortcut: shortcut, activation: a)
        let x = randn([2, 3, 8, 8], seed: 53)
        let before = ConvTrunkStatistics.blockedForwards
        assertClose(convTrunk(x, stages), stages.reduce(x) { h, s in oneByOne(h, s) }, rtol: 1e-5, "values")
        XCTAssertEqual(ConvTrunkStatistics.blockedForwards, before)
    }
}

/// A stage with the plain ops: conv2d, +, relu.
private func oneByOne(_ h: Tensor, _ stage: TrunkStage) -> Tensor {
    func conv(_ h: Tensor, _ l: ChainedConv) -> Tensor {
        conv2d(h, weight: l.weight, bias: l.bias, stride: l.stride, padding: l.padding, groups: l.groups,
               activation: l.activation)
    }
    switch stage {
    case .conv(let l): return conv(h, l)
    case .residual(let main, let shortcut, let activation):
        let sum = main.reduce(h, conv) + (shortcut.map { conv(h, $0) } ?? h)
        return activation == .relu ? sum.relu() : sum
    }
}
