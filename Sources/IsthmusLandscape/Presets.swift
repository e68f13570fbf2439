// The scales every experiment runs at in `isthmus reproduce`, in one place: `smoke` (seconds; a pipeline test,
// numbers meaningless), `quick` (about four and a half minutes on two cores for the whole paper) and `paper` (the paper's
// settings). Changing a scale is a one-line edit here. Seeds are set by the caller.
import IsthmusNN

/// The scale of a run.
public enum Preset: String, Codable, CaseIterable, Sendable {
    case smoke, quick, paper

    /// The value for this scale.
    public func pick<T>(smoke: T, quick: T, paper: T) -> T { self == .smoke ? smoke : self == .quick ? quick : paper }
}

/// An experiment's config with presets and a seed (the seed is the caller's).
/// A config with smoke, quick and paper presets.
public protocol Presettable {
    static func preset(_ p: Preset) -> Self
}

public protocol PresetConfig: Presettable {
    var seed: UInt64 { get set }
}

extension Presettable {
    public static var smoke: Self { preset(.smoke) }
    public static var quick: Self { preset(.quick) }
    /// The paper's settings (a type may have its own `paper` for another experiment's setting, which then wins).
    public static var paper: Self { preset(.paper) }
}

extension Training.Config: PresetConfig {
    /// mnist-cnn on MNIST-5k: Adam with a one-cycle schedule at peak lr 3e-3, random shifts of 2 pixels.
    public static func preset(_ p: Preset) -> Self {
        var c = Training.Config()
        c.epochs = p.pick(smoke: 1, quick: 5, paper: 15)
        c.lr = 3e-3; c.schedule = "onecycle"; c.shift = 2
        return c
    }
}

extension Connectivity.Config: PresetConfig {
    /// Sec 4.1: within-class pairs, one bypass each.
    public static func preset(_ p: Preset) -> Self {
        var c = Connectivity.Config()
        c.pairs = p.pick(smoke: 3, quick: 24, paper: 300)
        c.chain.rounds = 1
        if p == .smoke { c.chain.primarySteps = 50; c.chain.pointsPerSegment = 20; c.chain.bypass.iterations = 10 }
        return c
    }
}

extension BarrierStatistics.Config: PresetConfig {
    /// Sec 4.2 on MNIST-5k: the paper's pairing protocol at full scale, the free protocol below it.
    public static func preset(_ p: Preset) -> Self {
        var c = BarrierStatistics.Config()
        c.pairs = p.pick(smoke: 3, quick: 30, paper: 300)
        c.pairProtocol = p == .paper ? .paper : .free
        c.bypass.iterations = p.pick(smoke: 5, quick: 256, paper: 1024)
        if p == .smoke { c.steps = 20; c.attack = .paper(.statistics(steps: 40)) }
        return c
    }

    /// Sec 4.1-4.2 on ImageNet photos (EfficientNet-Lite0): views of one photo as within-class pairs.
    public static func photos(_ p: Preset) -> Self {
        var c = BarrierStatistics.Config()
        c.pairs = p.pick(smoke: 2, quick: 6, paper: 40)
        c.steps = p.pick(smoke: 10, quick: 40, paper: 250)
        c.bypass.iterations = p.pick(smoke: 2, quick: 64, paper: 1024)
        c.attack = .paper(.statistics(steps: p.pick(smoke: 8, quick: 256, paper: 512)))
        return c
    }
}

extension BarrierStatistics.Config {
    /// Fig 6 on a user's labelled image folder: the paper's protocol over every class.
    public static func imageFolder(_ p: Preset) -> Self {
        var c = BarrierStatistics.Config()
        c.pairProtocol = .paper
        c.steps = p.pick(smoke: 10, quick: 100, paper: 250)
        c.bypass.iterations = p.pick(smoke: 2, quick: 64, paper: 1024)
        c.attack = .paper(.statistics(steps: p.pick(smoke: 8, quick: 256, paper: 512)))
        return c
    }
}

extension Connectivity.Config {
    /// Sec 4.1 on a user's labelled image folder: within-class pairs, one bypass each.
    public static func imageFolder(_ p: Preset) -> Self {
        var c = Connectivity.Config()
        c.pairs = p.pick(smoke: 2, quick: 20, paper: 300)
        c.chain.rounds = 1
        c.chain.primarySteps = p.pick(smoke: 10, quick: 250, paper: 1000)
        c.chain.pointsPerSegment = p.pick(smoke: 5, quick: 100, paper: 500)
        c.chain.bypass.iterations = p.pick(smoke: 2, quick: 256, paper: 1024)
        return c
    }
}

extension Chain.Config {
    /// Fig 1-3 on ImageNet: the bypass between two crops of the espresso photo (class 967).
    public static func photoShowcase(_ p: Preset) -> Self {
        var c = Chain.Config()
        c.classIndex = 967
        c.primarySteps = p.pick(smoke: 20, quick: 120, paper: 1000)
        c.pointsPerSegment = p.pick(smoke: 10, quick: 60, paper: 500)
        c.bypass.iterations = p.pick(smoke: 4, quick: 128, paper: 1024)
        return c
    }
}

extension UntrainedConnectivity.Config: PresetConfig {
    /// Sec 4.3: FVO modes of an untrained ResNet-18 and rounds of free bypassing.
    public static func preset(_ p: Preset) -> Self {
        var c = UntrainedConnectivity.Config()
        c.fvoIterations = p.pick(smoke: 20, quick: 2048, paper: 8192)
        c.bypass.iterations = p.pick(smoke: 10, quick: 1024, paper: 4096)
        if p == .smoke { c.model.inputSize = 8; c.steps = 20 }
        return c
    }
}

extension DimensionSweep.Config: Presettable {
    /// The Sec 4.3 experiment at several input sizes (beyond the paper).
    public static func preset(_ p: Preset) -> Self {
        var s = DimensionSweep.Config()
        s.sizes = p.pick(smoke: [8], quick: [8, 16, 32], paper: [8, 16, 32, 64])
        s.seeds = p.pick(smoke: [0], quick: [0], paper: [0, 1, 2])
        s.base = UntrainedConnectivity.Config.preset(p)
        s.base.fvoIterations = p.pick(smoke: 20, quick: 512, paper: 8192)
        s.base.bypass.iterations = p.pick(smoke: 10, quick: 512, paper: 4096)
        // quick: 2 rounds; measured, a third never lowered the path max (already max(L(A), L(C)) after round 2).
        s.base.rounds = p.pick(smoke: 1, quick: 2, paper: 4)
        return s
    }
}

extension BarrierEvolution.Config: PresetConfig {
    /// App F.1 with the paper's schedule and conventions (np.std, np.trapezoid) on the run's own model and data
    /// (mnist-cnn on MNIST-5k); `Config.paper` is App F.1's ResNet-18 on CIFAR-10.
    public static func preset(_ p: Preset) -> Self {
        var c = BarrierEvolution.Config()
        c.checkpoints = p.pick(smoke: [0, 1], quick: Array(stride(from: 0, through: 10, by: 2)), paper: Array(0...30))
        c.classes = p.pick(smoke: [0, 1], quick: [0, 1, 2, 3, 4], paper: nil)
        c.fvoIterations = p.pick(smoke: 20, quick: 1024, paper: 4096)
        c.std = .population; c.area = .unit
        if p == .smoke { c.steps = 20; c.training.batch = 16 }
        return c
    }
}
