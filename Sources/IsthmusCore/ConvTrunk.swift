import Foundation
import IsthmusKernels

/// One stage of a `convTrunk`.
public enum TrunkStage {
    /// h -> conv(h) (activation included).
    case conv(ChainedConv)
    /// h -> activation(main(h) + shortcut(h)): `main` a chain of convolutions, `shortcut` the identity (nil) or one
    /// convolution (a ResNet basic block: conv-BN-ReLU-conv-BN plus the identity or a 1x1 projection, ReLU after
    /// the sum). `activation` is `.none` or `.relu`.
    case residual(main: [ChainedConv], shortcut: ChainedConv?, activation: ConvActivation)

    var convs: [ChainedConv] {
        switch self {
        case .conv(let c): return [c]
        case .residual(let main, let shortcut, _): return main + (shortcut.map { [$0] } ?? [])
        }
    }
}

/// The stages applied in turn to x [N, C, H, W], the NCHW output of the last one. With frozen weights every
/// activation between the first and the last convolution stays in oneDNN's blocked layout (nChw16c or nChw8c, one
/// block for the whole trunk): the residual sums, their ReLUs and the gradient with respect to x run there too, and
/// x and the output are reordered once. A ResNet's body. Same values as the stages one by one (`conv2d`, `+`,
/// `relu`) up to the order in which oneDNN sums; the stages one by one when a weight is differentiated, oneDNN
/// keeps another layout, an operand is not finite, or a stage is of another kind.
public func convTrunk(_ x: Tensor, _ stages: [TrunkStage]) -> Tensor {
    blockedConvTrunk(x, stages) ?? stages.reduce(x) { h, stage in trunkStage(h, stage) }
}

/// `convTrunk` when it runs in the blocked layout, else nil (the caller runs its own unfused path): for a model
/// whose layer-by-layer path does better than the stages one by one.
/// `padding`: where an activation's width is not a multiple of the block oneDNN picks for the first convolution
/// (24 and 40 with AVX-512's 16 in EfficientNet), the trunk runs on `paddedTrunkStages` instead, cached there.
public func blockedConvTrunk(_ x: Tensor, _ stages: [TrunkStage], padding: DerivedConvs<[TrunkStage]?>? = nil) -> Tensor? {
    guard x.rank == 4, !stages.isEmpty else { return nil }
    var plan = TrunkPlan(x.shape, stages, tracked: x.isTracked)
    if plan == nil, let padding, let block = TrunkPlan.firstBlock(x.shape, stages),
       let padded = padding.value(stages.flatMap(\.convs), variant: block, { _ in paddedTrunkStages(stages, block: block) }) {
        plan = TrunkPlan(x.shape, padded, tracked: x.isTracked)
    }
    guard let plan, let run = plan.forward(x, keep: x.isTracked) else { return nil }
    ConvTrunkStatistics.count()
    return Tape.record(run.output, [x]) { g, _ in [plan.backward(g, run)] }
}

/// How often `convTrunk` ran in the blocked layout (all threads): how a caller sees that it engaged.
public enum ConvTrunkStatistics {
    nonisolated(unsafe) private static var runs = 0
    private static let lock = NSLock()
    public static var blockedForwards: Int { lock.lock(); defer { lock.unlock() }; return runs }
    static func count() { lock.lock(); runs += 1; lock.unlock() }
}

/// `stages` with every activation between two stages widened with zero channels to a multiple of `block`: a
/// convolution gets zero filters (zero bias) for the extra outputs and zero weights for the extra inputs (a
/// depthwise one extra zero groups), so the extra channels hold relu(0) = 0 throughout, the residual sums add 0 + 0
/// there, and the real channels keep their values. The input and the last stage's output keep their widths. nil
/// when a layer cannot be widened (a grouped, non-depthwise convolution) or a last residual stage is too narrow.
public func paddedTrunkStages(_ stages: [TrunkStage], block: Int) -> [TrunkStage]? {
    guard block > 0 else { return nil }
    var width = -1  // the padded width of the activation entering the stage; -1: the trunk's input, as it is
    func widen(_ l: ChainedConv, last: Bool) -> ChainedConv? {
        guard let w = width < 0 ? l : l.withInputs(width) else { return nil }
        let k = w.weight.shape[0]
        let out = last || w.groups != 1 ? w : w.withZeroOutputs(roundUp(k, toMultipleOf: block) - k)
        if !last && out.weight.shape[0] % block != 0 { return nil }
        width = out.weight.shape[0]
        return out
    }
    var padded: [TrunkStage] = []
    for (i, stage) in stages.enumerated() {
        let last = i == stages.count - 1
        switch stage {
        case .conv(let l):
            guard let w = widen(l, last: last) else { return nil }
            padded.append(.conv(w))
        case .residual(let main, let shortcut, let activation):
            let entry = width
            var m: [ChainedConv] = []
            for l in main {
                guard let w = widen(l, last: false) else { return nil }
                m.append(w)
            }
            let exit = width
            var s: ChainedConv?
            if let shortcut {
                width = entry
                guard let w = widen(shortcut, last: false), width == exit else { return nil }
                s = w
            }
            if last, let l = main.last, l.weight.shape[0] != exit { return nil }
            padded.append(.residual(main: m, shortcut: s, activation: activation))
        }
    }
    return padded
}

/// One stage with the unfused ops (the reference `convTrunk` agrees with).
func trunkStage(_ h: Tensor, _ stage: TrunkStage) -> Tensor {
    switch stage {
    case .conv(let l): return l.apply(h)
    case .residual(let main, let shortcut, let activation):
        let y = main.count >= 2 ? conv2dChain(h, main) : main.reduce(h) { $1.apply($0) }
        let sum = y + (shortcut.map { $0.apply(h) } ?? h)
        switch activation {
        case .none: return sum
        case .relu: return sum.relu()
        case .relu6: return sum.relu6()
        case .hardSwish: return sum.hardSwish()
        }
    }
}

/// The shapes and the shared channel block of a trunk whose every convolution keeps its activations blocked.
private struct TrunkPlan {
    struct Conv { let layer: ChainedConv; let shape: Conv2DShape; let plainInput: Bool; let plainOutput: Bool }
    enum Stage { case conv(Conv); case residual(main: [Conv], shortcut: Conv?, activation: ConvActivation) }
    let stages: [Stage]
    let block: Int
    let inputShape: [Int]
    let outputShape: [Int]
    /// Whether x enters as NCHW into the first convolution (else it is reordered first: a residual first stage).
    let plainX: Bool
    /// Whether the last convolution writes NCHW (else the output is reordered: a residual last stage).
    let plainY: Bool

    /// The block oneDNN picks for the first convolution (input x as it enters, output blocked).
    static func firstBlock(_ xShape: [Int], _ stages: [TrunkStage]) -> Int? {
        guard xShape.count == 4, let l = stages.first?.convs.first,
              let s = l.shape(N: xShape[0], C: xShape[1], H: xShape[2], W: xShape[3]) else { return nil }
        var plainInput = false
        if case .conv = stages[0] { plainInput = true }
        return BlockedConv.blockSize(s, activation: l.activation, input: !plainInput, output: true, weightGradient: false)
    }

    init?(_ xShape: [Int], _ stages: [TrunkStage], tracked: Bool) {
        let convs = stages.flatMap(\.convs)
        guard convs.count >= 2, !convs.contains(where: { $0.weight.isTracked || ($0.bias?.isTracked ?? false) })
        else { return nil }
        // The pullback gates by the outputs, which hardswish does not allow (see conv2d).
        if tracked && convs.contains(where: { $0.activation == .hardSwish }) { return nil }
        let n = stages.count
        let firstIsConv: Bool, lastIsConv: Bool
        if case .conv = stages[0] { firstIsConv = true } else { firstIsConv = false }
        if case .conv = stages[n - 1] { lastIsConv = true } else { lastIsConv = false }
        plainX = firstIsConv
        plainY = lastIsConv
        var (C, H, W) = (xShape[1], xShape[2], xShape[3])
        var block: Int?
        func plan(_ l: ChainedConv, _ C: Int, _ H: Int, _ W: Int, plainInput: Bool, plainOutput: Bool) -> Conv? {
            guard let s = l.shape(N: xShape[0], C: C, H: H, W: W),
                  let b = BlockedConv.blockSize(s, activation: l.activation, input: !plainInput, output: !plainOutput,
                                                weightGradient: false),
                  block == nil || block == b else { return nil }
            block = b
            return Conv(layer: l, shape: s, plainInput: plainInput, plainOutput: plainOutput)
        }
        var planned: [Stage] = []
        for (i, stage) in stages.enumerated() {
            switch stage {
            case .conv(let l):
                guard let c = plan(l, C, H, W, plainInput: i == 0, plainOutput: i == n - 1) else { return nil }
                planned.append(.conv(c))
                (C, H, W) = (c.shape.K, c.shape.P, c.shape.Q)
            case .residual(let main, let shortcut, let activation):
                // The sum overwrites the last main conv's output and the shortcut's is not kept: neither may have
                // an activation of its own to gate by.
                guard !main.isEmpty, activation == .none || activation == .relu, main.last!.activation == .none,
                      (shortcut?.activation ?? ConvActivation.none) == .none else { return nil }
                var (c, h, w) = (C, H, W)
                var mainPlans: [Conv] = []
                for l in main {
                    guard let p = plan(l, c, h, w, plainInput: false, plainOutput: false) else { return nil }
                    mainPlans.append(p)
                    (c, h, w) = (p.shape.K, p.shape.P, p.shape.Q)
                }
                var shortcutPlan: Conv?
                if let shortcut {
                    guard let p = plan(shortcut, C, H, W, plainInput: false, plainOutput: false),
                          (p.shape.K, p.shape.P, p.shape.Q) == (c, h, w) else { return nil }
                    shortcutPlan = p
                } else {
                    guard (C, H, W) == (c, h, w) else { return nil }
                }
                planned.append(.residual(main: mainPlans, shortcut: shortcutPlan, activation: activation))
                (C, H, W) = (c, h, w)
            }
        }
        guard let block, xShape[1] % block == 0 || plainX, C % block == 0 || plainY else { return nil }
        self.stages = planned
        self.block = block
        inputShape = xShape
        outputShape = [xShape[0], C, H, W]
    }

    /// The forward pass's output and what the gradient needs: per stage the output of each main convolution but
    /// the last (ReLU gates) and the stage's output, all blocked but the NCHW output of a last conv stage. Without
    /// a gradient (`keep` false) nothing is kept: each activation is freed, and its memory reused, once read.
    struct Run {
        let output: Tensor
        let mainOutputs: [[Tensor]]
        let stageOutputs: [Tensor]
    }

    func forward(_ x: Tensor, keep: Bool) -> Run? {
        var h = x
        if !plainX {
            h = Tensor(uninitialized: [x.count])
            reorderBlocked(h.mutableData, x.data, N: inputShape[0], C: inputShape[1], HW: inputShape[2] * inputShape[3],
                           block: block, toBlocked: true)
        }
        var mainOutputs: [[Tensor]] = [], stageOutputs: [Tensor] = []
        // Each activation travels with a bound on its magnitude (`BlockedConv.forward(..., inputBound:)`), so
        // only x, not every convolution's input, is read once more to be checked before a post-op.
        func run(_ c: Conv, _ input: Tensor, _ inputBound: Float) -> (Tensor, Float)? {
            let o = Tensor(uninitialized: c.plainOutput ? [c.shape.N, c.shape.K, c.shape.P, c.shape.Q] : [c.shape.outputCount])
            let bound = withExtendedLifetime(input) {
                BlockedConv.forward(out: o.mutableData, x: input.data, w: c.layer.weight.data, bias: c.layer.bias?.data,
                                    c.shape, activation: c.layer.activation,
                                    weightsVersion: c.layer.weight.storage.version, inputBound: inputBound,
                                    blockedInput: !c.plainInput, blockedOutput: !c.plainOutput)
            }
            return bound.map { (o, $0) }
        }
        var hb = Float.infinity
        for stage in stages {
            switch stage {
            case .conv(let c):
                guard let (o, b) = run(c, h, hb) else { return nil }
                mainOutputs.append([])
                (h, hb) = (o, b)
            case .residual(let main, let shortcut, let activation):
                var (m, mb) = (h, hb), kept: [Tensor] = []
                for (i, c) in main.enumerated() {
                    guard let (o, b) = run(c, m, mb) else { return nil }
                    if keep && i < main.count - 1 { kept.append(o) }
                    (m, mb) = (o, b)
                }
                var (s, sb) = (h, hb)
                if let shortcut { guard let (o, b) = run(shortcut, h, hb) else { return nil }; (s, sb) = (o, b) }
                // m += s, then the activation, in place (m is this stage's own buffer). relu keeps a NaN, as
                // `Tensor.relu`; a conv with a post-op refuses non-finite operands (the unfused ops run instead).
                let pm = m.mutableData, ps = s.data, count = m.count
                withExtendedLifetime(s) {
                    if activation == .relu {
                        parallelElements(count) { r in for i in r { let v = pm[i] + ps[i]; pm[i] = v < 0 ? 0 : v } }
                    } else {
                        parallelElements(count) { r in for i in r { pm[i] += ps[i] } }
                    }
                }
                mainOutputs.append(kept)
                // |m + s| <= mb + sb; ReLU keeps the bound.
                (h, hb) = (m, mb + sb < 1e30 ? mb + sb : .infinity)
            }
            if keep { stageOutputs.append(h) }
        }
        var output = h
        if !plainY {
            output = Tensor(uninitialized: outputShape)
            reorderBlocked(output.mutableData, h.data, N: outputShape[0], C: outputShape[1],
                           HW: outputShape[2] * outputShape[3], block: block, toBlocked: false)
        }
        return Run(output: output, mainOutputs: mainOutputs, stageOutputs: stageOutputs)
    }

    /// dL/dx from dL/doutput (frozen weights: no weight gradients).
    func backward(_ g: Tensor, _ run: Run) -> Tensor {
        var d = g
        if !plainY {
            d = Tensor(uninitialized: [g.count])
            reorderBlocked(d.mutableData, g.data, N: outputShape[0], C: outputShape[1],
                           HW: outputShape[2] * outputShape[3], block: block, toBlocked: true)
        }
        func data(_ c: Conv, _ dOut: Tensor) -> Tensor {
            let dX = Tensor(uninitialized: c.plainInput ? [c.shape.N, c.shape.C, c.shape.H, c.shape.W] : [c.shape.inputCount])
            let done = withExtendedLifetime(dOut) {
                BlockedConv.backwardData(dX: dX.mutableData, dOut: dOut.data, w: c.layer.weight.data, c.shape,
                                         activation: c.layer.activation,
                                         weightsVersion: c.layer.weight.storage.version,
                                         blockedInput: !c.plainInput, blockedOutput: !c.plainOutput)
            }
            // The plan's passes were created when the block size was chosen; a failure here is oneDNN's own.
            precondition(done, "convTrunk: oneDNN failed the backward-data pass of \(c.shape)")
            return dX
        }
        for i in stride(from: stages.count - 1, through: 0, by: -1) {
            let out = run.stageOutputs[i]
            switch stages[i] {
            case .conv(let c):
                d = data(c, gated(d, by: out, c.layer.activation))
            case .residual(let main, let shortcut, let activation):
                let dSum = gated(d, by: out, activation)
                var dm = dSum
                for j in stride(from: main.count - 1, through: 0, by: -1) {
                    let dj = data(main[j], dm)
                    dm = j > 0 ? gated(dj, by: run.mainOutputs[i][j - 1], main[j - 1].layer.activation) : dj
                }
                let ds = shortcut.map { data($0, dSum) } ?? dSum
                d = Tensor.addSameShape(dm, ds)
            }
        }
        if !plainX {
            let dx = Tensor(uninitialized: inputShape)
            reorderBlocked(dx.mutableData, d.data, N: inputShape[0], C: inputShape[1], HW: inputShape[2] * inputShape[3],
                           block: block, toBlocked: false)
            return dx
        }
        return d
    }
}

/// g where the activation that produced y passes gradient (see `gateByOutput`); g itself for `.none`.
private func gated(_ g: Tensor, by y: Tensor, _ activation: ConvActivation) -> Tensor {
    activation == .none ? g : gateByOutput(g, y, activation)
}

