// The attacks' settings: one config per method, holding only the fields that method uses and its defaults, and
// `Attacks.Config`, the one value that carries any of them (JSON: {"method": "pgd", "eps": ..., ...}).
import Foundation

extension Attacks {
    /// Sec 4.2, the paper's targeted attack from a carrier K: Adam on
    /// CE(f(x), t) + mseWeight mean((x - K)^2) + tvWeight TV(x - K) in normalized space, no ball, no clipping.
    /// Defaults: the demo setting (1024 steps, lambda 1e-7); `statistics` is the barrier-statistics one.
    public struct PaperConfig: Codable, Equatable, Sendable {
        /// The target class t (required before running).
        public var targetClass: Int?
        /// Adam steps.
        public var steps = 1024
        public var lr = 0.005
        /// Weight of mean((x - K)^2) (0.1).
        public var mseWeight = 0.1
        /// lambda of TV(x - K) (1e-7 demo, 1e-8 statistics).
        public var tvWeight = 1e-7
        /// Early stop: a sample stops once more than `minSteps` Adam steps are done and CE < its threshold L_t(A).
        public var minSteps = 32
        /// Samples per forward pass.
        public var batch = 64

        public init(targetClass: Int? = nil) { self.targetClass = targetClass }

        /// Sec 4.2 demo setting: 1024 steps, lambda 1e-7 (the defaults).
        public static var demo: PaperConfig { PaperConfig() }
        /// Sec 4.2 statistics setting: 512 steps, lambda 1e-8, early stop after 32 steps (pass thresholds L_t(A)).
        public static var statistics: PaperConfig {
            var c = PaperConfig()
            c.steps = 512; c.tvWeight = 1e-8
            return c
        }
        /// The statistics setting with `steps` Adam steps (smaller presets).
        public static func statistics(steps: Int) -> PaperConfig {
            var c = statistics
            c.steps = steps
            return c
        }
    }

    /// The paper's attack plus mu mean_k relu(L_t(x(t_k)) - max(L_t(A), L_t(x))) on the segment to the paired real
    /// image A, t_k = k / (P + 1). Defaults: the statistics setting (512 steps, lambda 1e-8) with mu 1 on 8 points.
    public struct AdaptiveConfig: Codable, Equatable, Sendable {
        public var targetClass: Int?
        public var steps = 512
        public var lr = 0.005
        public var mseWeight = 0.1
        public var tvWeight = 1e-8
        /// mu, the weight of the barrier penalty.
        public var barrierWeight = 1.0
        /// P, the number of interior points of the penalty.
        public var barrierPoints = 8
        /// Stops at the first step > `minSteps` whose kept iterate has penalty 0.
        public var minSteps = 32
        public var batch = 64

        public init(targetClass: Int? = nil) { self.targetClass = targetClass }

        /// The paper's attack with the same settings (no barrier penalty).
        public var paper: PaperConfig {
            var p = PaperConfig(targetClass: targetClass)
            p.steps = steps; p.lr = lr; p.mseWeight = mseWeight; p.tvWeight = tvWeight; p.minSteps = minSteps; p.batch = batch
            return p
        }
    }

    /// FGSM (Goodfellow et al. 2015): one signed gradient step of size eps in pixel space, clipped to the box.
    public struct FGSMConfig: Codable, Equatable, Sendable {
        /// nil: untargeted (success: prediction != label); t: targeted toward t (success: prediction == t).
        public var targetClass: Int?
        /// Step size = Linf radius, pixel space (8/255).
        public var eps = 8.0 / 255
        public var batch = 64

        public init(targetClass: Int? = nil) { self.targetClass = targetClass }
        public var targeted: Bool { targetClass != nil }
    }

    /// PGD (Madry et al. 2018) in an Linf or L2 ball, pixel space. Defaults: Linf eps 8/255, step 2/255; L2 eps 0.5,
    /// step 0.125; 10 steps from a random start.
    public struct PGDConfig: Codable, Equatable, Sendable {
        /// nil: untargeted; t: targeted toward t.
        public var targetClass: Int?
        public var norm: Norm
        /// Radius of the ball.
        public var eps: Double
        /// Linf: per pixel; L2: length of the normalized-gradient step.
        public var step: Double
        public var steps = 10
        /// Start uniformly in the ball (Linf: per pixel; L2: uniform in volume), seeded per sample from `seed`.
        public var randomStart = true
        public var seed: UInt64 = 0
        public var batch = 64

        public init(norm: Norm = .linf, targetClass: Int? = nil) {
            self.norm = norm; self.targetClass = targetClass
            eps = norm == .l2 ? 0.5 : 8.0 / 255
            step = norm == .l2 ? 0.125 : 2.0 / 255
        }
        public var targeted: Bool { targetClass != nil }
    }

    /// Carlini-Wagner L2 (2017) with a fixed c (no binary search), tanh change of variables, Adam.
    public struct CWConfig: Codable, Equatable, Sendable {
        /// nil: untargeted; t: targeted toward t.
        public var targetClass: Int?
        /// Weight of the margin term, and its confidence kappa.
        public var c = 1.0
        public var kappa = 0.0
        public var lr = 0.01
        public var steps = 50
        public var batch = 64

        public init(targetClass: Int? = nil) { self.targetClass = targetClass }
        public var targeted: Bool { targetClass != nil }
    }

    /// Any attack: one method and its config. JSON: the method's fields plus "method", e.g.
    /// {"method": "pgd", "norm": "linf", "eps": 0.031, "step": 0.0078, "steps": 10, ...}.
    public enum Config: Codable, Equatable, Sendable {
        case paper(PaperConfig)
        case fgsm(FGSMConfig)
        case pgd(PGDConfig)
        case cw(CWConfig)
        case adaptive(AdaptiveConfig)

        /// The defaults of `method` (paper: the demo setting; `norm` is PGD's ball).
        public init(method: Method, norm: Norm = .linf) {
            switch method {
            case .paper: self = .paper(PaperConfig())
            case .fgsm: self = .fgsm(FGSMConfig())
            case .pgd: self = .pgd(PGDConfig(norm: norm))
            case .cw: self = .cw(CWConfig())
            case .adaptive: self = .adaptive(AdaptiveConfig())
            }
        }

        /// Sec 4.2 statistics setting of the paper's attack.
        public static var paperStatistics: Config { .paper(.statistics) }

        public var method: Method {
            switch self {
            case .paper: .paper
            case .fgsm: .fgsm
            case .pgd: .pgd
            case .cw: .cw
            case .adaptive: .adaptive
            }
        }

        /// The target class (nil: none given; for FGSM, PGD and CW that means untargeted).
        public var targetClass: Int? {
            switch self {
            case .paper(let c): c.targetClass
            case .fgsm(let c): c.targetClass
            case .pgd(let c): c.targetClass
            case .cw(let c): c.targetClass
            case .adaptive(let c): c.targetClass
            }
        }

        /// Success means prediction == target (paper and adaptive always; the others when given a target class).
        public var targeted: Bool { method == .paper || method == .adaptive || targetClass != nil }

        /// Gradient steps at most (FGSM: 1).
        public var steps: Int {
            switch self {
            case .paper(let c): c.steps
            case .fgsm: 1
            case .pgd(let c): c.steps
            case .cw(let c): c.steps
            case .adaptive(let c): c.steps
            }
        }

        /// Samples per forward pass.
        public var batch: Int {
            switch self {
            case .paper(let c): c.batch
            case .fgsm(let c): c.batch
            case .pgd(let c): c.batch
            case .cw(let c): c.batch
            case .adaptive(let c): c.batch
            }
        }

        /// This attack targeted toward class `t`; `seed` seeds the methods that draw random numbers (PGD's start).
        public func targeting(_ t: Int, seed: UInt64) -> Config {
            switch self {
            case .paper(var c): c.targetClass = t; return .paper(c)
            case .fgsm(var c): c.targetClass = t; return .fgsm(c)
            case .pgd(var c): c.targetClass = t; c.seed = seed; return .pgd(c)
            case .cw(var c): c.targetClass = t; return .cw(c)
            case .adaptive(var c): c.targetClass = t; return .adaptive(c)
            }
        }

        /// Throws a one-line error for a configuration that cannot run on a model with `classes` outputs.
        public func validate(classes: Int) throws {
            if targeted {
                guard let t = targetClass else { throw AttackError("a targeted \(method.rawValue) attack needs a target class") }
                guard t >= 0 && t < classes else { throw AttackError("target class \(t) out of range 0..<\(classes)") }
            }
            func nonNegative(_ v: Double, _ name: String) throws {
                guard v >= 0 && v.isFinite else { throw AttackError("\(name) must be >= 0, got \(v)") }
            }
            func atLeastOne(_ v: Int, _ name: String) throws {
                guard v >= 1 else { throw AttackError("\(name) must be >= 1, got \(v)") }
            }
            func rate(_ lr: Double) throws {
                guard lr > 0 && lr.isFinite else { throw AttackError("lr must be > 0, got \(lr)") }
            }
            func descent(steps: Int, lr: Double, mse: Double, tv: Double, mu: Double, minSteps: Int) throws {
                try atLeastOne(steps, "steps"); try rate(lr)
                guard mse >= 0, tv >= 0, mu >= 0 else { throw AttackError("loss weights must be >= 0") }
                guard minSteps >= 0 else { throw AttackError("min steps must be >= 0, got \(minSteps)") }
            }
            switch self {
            case .paper(let c):
                try descent(steps: c.steps, lr: c.lr, mse: c.mseWeight, tv: c.tvWeight, mu: 0, minSteps: c.minSteps)
            case .adaptive(let c):
                try descent(steps: c.steps, lr: c.lr, mse: c.mseWeight, tv: c.tvWeight, mu: c.barrierWeight, minSteps: c.minSteps)
                try atLeastOne(c.barrierPoints, "barrier points")
            case .fgsm(let c):
                try nonNegative(c.eps, "eps")
            case .pgd(let c):
                try nonNegative(c.eps, "eps"); try nonNegative(c.step, "step"); try atLeastOne(c.steps, "steps")
            case .cw(let c):
                try atLeastOne(c.steps, "steps"); try rate(c.lr)
                guard c.c >= 0, c.kappa >= 0 else { throw AttackError("c and kappa must be >= 0") }
            }
            try atLeastOne(batch, "batch")
        }

        private enum Key: String, CodingKey { case method }

        public init(from decoder: Decoder) throws {
            let k = try decoder.container(keyedBy: Key.self)
            let name = try k.decode(String.self, forKey: .method)
            guard let method = Method(rawValue: name) else {
                throw DecodingError.dataCorruptedError(forKey: .method, in: k, debugDescription:
                    "unknown attack method '\(name)' (expected \(Method.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            switch method {
            case .paper: self = .paper(try PaperConfig(from: decoder))
            case .fgsm: self = .fgsm(try FGSMConfig(from: decoder))
            case .pgd: self = .pgd(try PGDConfig(from: decoder))
            case .cw: self = .cw(try CWConfig(from: decoder))
            case .adaptive: self = .adaptive(try AdaptiveConfig(from: decoder))
            }
        }

        public func encode(to encoder: Encoder) throws {
            var k = encoder.container(keyedBy: Key.self)
            try k.encode(method, forKey: .method)
            switch self {
            case .paper(let c): try c.encode(to: encoder)
            case .fgsm(let c): try c.encode(to: encoder)
            case .pgd(let c): try c.encode(to: encoder)
            case .cw(let c): try c.encode(to: encoder)
            case .adaptive(let c): try c.encode(to: encoder)
            }
        }
    }
}

extension Attacks {
    /// Settings given by the user over a method's defaults (nil: the method's own); each method takes the fields it
    /// uses and ignores the others.
    public struct Overrides: Equatable, Sendable {
        public var eps: Double?, step: Double?, steps: Int?, randomStart = true
        public var c: Double?, kappa: Double?, lr: Double?
        public var mseWeight: Double?, tvWeight: Double?, barrierWeight: Double?, barrierPoints: Int?
        public var minSteps: Int?, batch: Int?
        public init() {}
    }

    /// The config of `method` from its defaults and `o`. `statistics` picks the paper attack's statistics preset
    /// (512 steps, early stop) over its demo preset (1024 steps, no early stop); `seed` seeds PGD's random start.
    public static func config(_ method: Method, norm: Norm, targetClass: Int?, statistics: Bool, seed: UInt64, _ o: Overrides) -> Config {
        switch method {
        case .fgsm:
            var a = FGSMConfig(targetClass: targetClass)
            a.eps = o.eps ?? a.eps; a.batch = o.batch ?? a.batch
            return .fgsm(a)
        case .pgd:
            var a = PGDConfig(norm: norm, targetClass: targetClass)
            a.eps = o.eps ?? a.eps; a.step = o.step ?? a.step; a.steps = o.steps ?? a.steps
            a.randomStart = o.randomStart; a.seed = seed; a.batch = o.batch ?? a.batch
            return .pgd(a)
        case .cw:
            var a = CWConfig(targetClass: targetClass)
            a.c = o.c ?? a.c; a.kappa = o.kappa ?? a.kappa; a.lr = o.lr ?? a.lr; a.steps = o.steps ?? a.steps; a.batch = o.batch ?? a.batch
            return .cw(a)
        case .paper:
            var a = statistics ? PaperConfig.statistics : .demo
            a.targetClass = targetClass
            a.steps = o.steps ?? a.steps; a.lr = o.lr ?? a.lr; a.mseWeight = o.mseWeight ?? a.mseWeight; a.tvWeight = o.tvWeight ?? a.tvWeight
            a.minSteps = o.minSteps ?? a.minSteps; a.batch = o.batch ?? a.batch
            return .paper(a)
        case .adaptive:
            var a = AdaptiveConfig(targetClass: targetClass)
            a.steps = o.steps ?? a.steps; a.lr = o.lr ?? a.lr; a.mseWeight = o.mseWeight ?? a.mseWeight; a.tvWeight = o.tvWeight ?? a.tvWeight
            a.barrierWeight = o.barrierWeight ?? a.barrierWeight; a.barrierPoints = o.barrierPoints ?? a.barrierPoints
            a.minSteps = o.minSteps ?? a.minSteps; a.batch = o.batch ?? a.batch
            return .adaptive(a)
        }
    }
}
