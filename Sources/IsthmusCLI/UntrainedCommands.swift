import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// Fig 7: the primary curve, the path after round 1 and after round 2, one panel each.
func roundsFigure(_ r: Chain.Result, title: String) -> String {
    var panels = [SVGPlot.line([Series(x: Interpolation.alphas(r.primaryLosses.count), y: r.primaryLosses.map(Double.init), label: "A->C")],
                               title: "primary", xLabel: "alpha", yLabel: "cross-entropy")]
    for round in r.rounds {
        panels.append(SVGPlot.line([Series(x: round.positions, y: round.losses.map(Double.init), label: "after round \(round.round)")],
                                   title: "round \(round.round) (\(round.bendsAdded) new bend\(round.bendsAdded == 1 ? "" : "s"))",
                                   xLabel: "position along the path", yLabel: "cross-entropy"))
    }
    return SVGFigure.panels(panels, columns: panels.count, title: title)
}

struct UntrainedCommand: Command {
    static let name = "untrained", summary = "connectivity of FVO inputs in an untrained network, and the dimension sweep (Sec 4.3)"
    static var help: String {
        let d = UntrainedConnectivity.Config()
        func g(_ x: Double) -> String { String(format: "%g", x) }
        return """
    usage: isthmus untrained [--model resnet18 --classes 10 --input-size 32] --class K --seed S --rounds R --out DIR
      --model NAME          (default resnet18, untrained, torchvision initialization)
      --classes N           (default 10)
      --input-size S        input side (default 32)
      --class K             (default \(d.classIndex))
      --seed S              model and FVO seed (default 0)
      --rounds R            rounds of free bypassing (default \(d.rounds))
      --steps N             points per curve (default \(d.steps))
      --fvo-iterations N    FVO steps per mode (default \(d.fvoIterations), stop at CE < 5e-4)
      --bend-iterations N   Adam steps per bend (default \(d.bypass.iterations), stop after the step whose CE was < \(g(d.bypass.stopLoss ?? 0)))
      --bend B              always | conditional (default \(d.bending.rawValue)): always bends every segment of a round (Sec 4.3);
                            conditional only segments whose max exceeds max(L(A), L(C)) + --tolerance (default \(g(d.tolerance)))
      --relative-tolerance R
                            connected once the path max is <= (1 + R) * max(L(A), L(C)); "rounds needed" counts the
                            rounds until then (default \(g(d.relativeTolerance)))
      --sizes S1,S2,...     dimension sweep: repeat at these input sizes (e.g. 8,16,32,64) ...
      --seeds A,B,...       ... and seeds (default 0,1,2); resumable with --resume
      --quiet               no progress on stderr
      --out DIR             run folder (--force replaces it; --resume continues a sweep)
    writes result.json {primaryMax, roundMax, endpointLoss, ...}, fig7.svg, modes.png (A, bends, C); a sweep writes
    sweep.csv, result.json {rows, summary} and sweep.svg
    """
    }

    static func run(_ args: inout Arguments) throws {
        var c = UntrainedConnectivity.Config()
        c.model.name = try args.string("--model", default: "resnet18")
        guard ModelZoo.names.contains(c.model.name) else { throw CLIError("unknown model '\(c.model.name)'") }
        c.model.classes = try args.int("--classes", default: 10, min: 2, max: 100_000)
        c.model.inputSize = try args.int("--input-size", default: 32, min: 8, max: 1024)
        c.classIndex = try args.int("--class", default: c.classIndex, min: 0, max: c.model.classes! - 1)
        c.seed = try args.seed()
        c.rounds = try args.int("--rounds", default: c.rounds, min: 0, max: 20)
        c.steps = try args.int("--steps", default: c.steps, min: 2, max: 100_000)
        c.fvoIterations = try args.int("--fvo-iterations", default: c.fvoIterations, min: 1, max: 10_000_000)
        c.bypass.iterations = try args.int("--bend-iterations", default: c.bypass.iterations, min: 1, max: 10_000_000)
        c.bending = Chain.Bending(rawValue: try args.choice("--bend", Chain.Bending.allCases.map(\.rawValue), default: c.bending.rawValue))!
        if args.has("--tolerance") && c.bending != .conditional { throw CLIError("--tolerance needs --bend conditional") }
        c.tolerance = try args.double("--tolerance", default: c.tolerance, min: 0)
        c.relativeTolerance = try args.double("--relative-tolerance", default: c.relativeTolerance, min: 0)
        let sizes = args.has("--sizes") ? try args.intList("--sizes", default: []) : nil
        let seeds = try args.intList("--seeds", default: [0, 1, 2], min: 0).map { UInt64($0) }
        let quiet = args.flag("--quiet")
        if let sizes {
            var s = DimensionSweep.Config()
            s.sizes = sizes; s.seeds = seeds; s.base = c
            let run = try ResumableRun.parse(&args)
            try args.finish()
            if let bad = sizes.first(where: { $0 < 8 }) { throw CLIError("--sizes must be >= 8, got \(bad)") }
            let dir = try run.open(config: s, seed: c.seed)
            try writeConfig(dir, seed: c.seed, model: nil, s)
            let rows = try runSweep(dir, s, quiet: quiet)
            for t in DimensionSweep.summarize(rows) {
                print(String(format: "%3dx%-3d (d=%6d): primary gap median %.3f, rounds needed median %.1f (%d not connected), final gap median %.3f",
                             t.size, t.size, t.dimension, t.primaryGap.median, t.roundsNeeded.median, t.notConnected, t.finalGap.median))
            }
            return
        }
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let (r, a, z, path) = try UntrainedConnectivity.run(c)
        try out.write { dir in
            try writeConfig(dir, seed: c.seed, model: nil, c)
            try dir.writeJSON(r, "result.json")
            try dir.writeText(roundsFigure(r.chain, title: "Untrained \(c.model.name), class \(c.classIndex): primary, round 1, round 2"), "fig7.svg")
            let shape = Array(a.shape.dropFirst())
            let images = path.vertices.map { v in PNG.pixels(fromCHW: v.scalars, channels: shape[0], height: shape[1], width: shape[2], range: .minMax) }
            try PNG.write(PNG.upscale(PNG.grid(images: images, columns: images.count), factor: max(1, 96 / shape[1])), to: dir.url("modes.png"))
            try a.writeNpy(dir.url("A.npy").path)
            try z.writeNpy(dir.url("C.npy").path)
        }
        print(String(format: "L(A) %.5f  L(C) %.5f  primary max %.4f  round max %@", r.endpointLoss[0], r.endpointLoss[1], r.primaryMax,
                      r.roundMax.map { String(format: "%.4f", $0) }.joined(separator: " -> ")))
    }

    /// Runs the sweep's units (resumable), writes sweep.csv, result.json and sweep.svg.
    static func runSweep(_ dir: RunDirectory, _ s: DimensionSweep.Config, quiet: Bool) throws -> [DimensionSweep.Row] {
        let units = DimensionSweep.units(s)
        let rows = try runUnits(dir, name: "sweep.jsonl", indices: Array(units.indices), label: "sweep", quiet: quiet) { i in
            try DimensionSweep.measure(s, size: units[i].size, seed: units[i].seed)
        }
        try writeSweep(dir, s, rows)
        return rows
    }

    struct SweepFile: Codable { var config: DimensionSweep.Config; var rows: [DimensionSweep.Row]; var summary: [DimensionSweep.SizeSummary] }

    static func writeSweep(_ dir: RunDirectory, _ s: DimensionSweep.Config, _ rows: [DimensionSweep.Row]) throws {
        var csv = CSVWriter(header: ["size", "dimension", "seed", "primaryMax", "primaryGap", "roundsNeeded", "finalGap", "seconds"])
        for r in rows {
            csv.addRow([.int(r.size), .int(r.dimension), .int(Int(r.seed)), .double(r.primaryMax), .double(r.primaryGap),
                        r.roundsNeeded.map { .int($0) } ?? "", .double(r.finalGap), .double(r.seconds)])
        }
        try csv.write(to: dir.url("sweep.csv"))
        let summary = DimensionSweep.summarize(rows)
        try dir.writeJSON(SweepFile(config: s, rows: rows, summary: summary), "result.json")
        try sweepFigure(summary).write(to: dir.url("sweep.svg"))
    }

    static func sweepFigure(_ summary: [DimensionSweep.SizeSummary]) -> SVGPlot {
        let d = summary.map { Double($0.dimension) }
        var plot = SVGPlot.line([Series(x: d, y: summary.map(\.primaryGap.median), label: "primary gap (median)",
                                        lower: summary.map(\.primaryGap.q1), upper: summary.map(\.primaryGap.q3), style: .lineAndPoints),
                                 Series(x: d, y: summary.map(\.roundsNeeded.mean), label: "rounds needed (mean)", dash: "5 4", style: .lineAndPoints)],
                                title: "Untrained ResNet-18: barrier and rounds vs input dimension", xLabel: "input dimension 3*S*S", yLabel: "")
        plot.xScale = .log
        return plot
    }
}

struct EvolutionCommand: Command {
    static let name = "evolution", summary = "barrier between FVO inputs after each training batch (App F.1)"
    static let models = ["mnist-cnn", "resnet18", "resnet18-cifar", "mlp"]
    static var help: String {
        let d = BarrierEvolution.Config(), p = BarrierEvolution.Config.paper
        func g(_ x: Double) -> String { String(format: "%g", x) }
        return """
    usage: isthmus evolution [--model mnist-cnn] [--data mnist5k] [--batches B] --out DIR [options]
      --model NAME          \(models.joined(separator: " | ")) (default \(d.model.name)); resnet18 is torchvision's
                            ResNet-18 with 10 classes on 3x32x32 (the paper's App F.1 model; with --data cifar10:DIR)
      --paper               App F.1 as the paper runs it: resnet18, \(p.runs) runs, flip + crop (pad \(p.training.shift)),
                            --std \(p.std.rawValue), --area \(p.area.rawValue) (each can still be overridden)
      --data SPEC           \(DataSource.names.joined(separator: " | ")) (default mnist5k)
      --batches B           measure after training batches 0..B (default \(d.checkpoints.max() ?? 0))
      --every K             measure every K batches (default 1)
      --classes A,B,...     classes to measure (default all)
      --runs R              independent training runs; every checkpoint pools R curves per class (default \(d.runs))
      --batch N             training batch size (default \(d.training.batch))
      --lr LR               Adam learning rate (default \(g(d.training.lr)))
      --fvo-iterations N    FVO steps per mode (default \(d.fvoIterations), stop at CE < \(g(Double(d.fvoThreshold))))
      --steps N             points per curve (default \(d.steps))
      --std C               sample (n - 1) | population (n, numpy's np.std as the paper) (default \(d.std.rawValue))
      --area C              alpha (trapezoids over alpha in [0, 1]) | unit (np.trapezoid with unit spacing over the
                            points, as the paper) (default \(d.area.rawValue))
      --seed S              (default 0)
      --quiet               no progress on stderr
    \(OutputArguments.help)
    writes result.json {config, checkpoints [{batch, meanMax, stdMax, meanArea, stdArea, meanCurve, stdCurve, curves
    [{classIndex, run, max, area, losses}], ...}]}, evolution.csv, max.svg (max and area vs batch), curves.svg
    """
    }

    struct File: Codable { var config: BarrierEvolution.Config; var checkpoints: [BarrierEvolution.Checkpoint] }

    static func run(_ args: inout Arguments) throws {
        var c = args.flag("--paper") ? BarrierEvolution.Config.paper : BarrierEvolution.Config()
        if args.has("--model") { c.model = ModelOptions(name: try args.choice("--model", models, default: c.model.name)) }
        if c.model.name == "resnet18" { c.model.classes = 10; c.model.inputSize = 32 }
        let dataSpec = try args.string("--data", default: "mnist5k")
        let batches = try args.int("--batches", default: c.checkpoints.max() ?? 0, min: 0, max: 1_000_000)
        let every = try args.int("--every", default: 1, min: 1, max: 1_000_000)
        c.checkpoints = Array(stride(from: 0, through: batches, by: every))
        if args.has("--classes") { c.classes = try args.intList("--classes", default: [], min: 0) }
        c.runs = try args.int("--runs", default: c.runs, min: 1, max: 1000)
        c.training.batch = try args.int("--batch", default: c.training.batch, min: 1, max: 65_536)
        c.training.lr = try args.double("--lr", default: c.training.lr, min: 0)
        c.fvoIterations = try args.int("--fvo-iterations", default: c.fvoIterations, min: 1, max: 10_000_000)
        c.steps = try args.int("--steps", default: c.steps, min: 2, max: 100_000)
        c.std = BarrierEvolution.StdConvention(rawValue: try args.choice("--std", BarrierEvolution.StdConvention.allCases.map(\.rawValue),
                                                                        default: c.std.rawValue))!
        c.area = BarrierEvolution.AreaConvention(rawValue: try args.choice("--area", BarrierEvolution.AreaConvention.allCases.map(\.rawValue),
                                                                          default: c.area.rawValue))!
        c.seed = try args.seed()
        let quiet = args.flag("--quiet")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let split = try DataSource.load(dataSpec)
        if c.model.name == "resnet18-cifar" || c.model.name == "resnet18" { c.training.flip = true; c.training.shift = 4 }
        if let bad = c.classes?.first(where: { $0 < 0 || $0 >= split.train.classes }) { throw CLIError("class \(bad) out of range") }
        let progress = Progress(total: c.checkpoints.count * c.runs, label: "checkpoints", quiet: quiet)
        let cps: [BarrierEvolution.Checkpoint]
        do { cps = try BarrierEvolution.run(c, data: split) { _, _ in progress.advance() } } catch let e as TrainingError { throw CLIError("\(e)") }
        progress.finish()
        try out.write { dir in
            try writeConfig(dir, seed: c.seed, model: nil, c)
            try writeEvolution(dir, File(config: c, checkpoints: cps))
        }
        print("std: \(c.std.rawValue), area: \(c.area.rawValue), \(c.runs) run(s)")
        for cp in cps { print(String(format: "batch %3d: max %.3f +- %.3f, area %.3f +- %.3f, test acc %.3f", cp.batch, cp.meanMax, cp.stdMax, cp.meanArea, cp.stdArea, cp.testAccuracy)) }
    }

    static func writeEvolution(_ dir: RunDirectory, _ f: File) throws {
        try dir.writeJSON(f, "result.json")
        var csv = CSVWriter(header: ["batch", "meanMax", "stdMax", "meanArea", "stdArea", "testAccuracy"])
        for cp in f.checkpoints { csv.addRow([.int(cp.batch), .double(cp.meanMax), .double(cp.stdMax), .double(cp.meanArea), .double(cp.stdArea), .double(cp.testAccuracy)]) }
        try csv.write(to: dir.url("evolution.csv"))
        try evolutionFigures(dir, f)
    }

    static func evolutionFigures(_ dir: RunDirectory, _ f: File) throws {
        let b = f.checkpoints.map { Double($0.batch) }
        try SVGPlot.line([Series(x: b, y: f.checkpoints.map(\.meanMax), label: "barrier max (mean over classes and runs)",
                                 lower: f.checkpoints.map { $0.meanMax - $0.stdMax }, upper: f.checkpoints.map { $0.meanMax + $0.stdMax }, style: .lineAndPoints),
                          Series(x: b, y: f.checkpoints.map(\.meanArea), label: "area under the curve", dash: "5 4")],
                         title: "Barrier between FVO inputs during training", xLabel: "training batches", yLabel: "loss")
            .write(to: dir.url("max.svg"))
        let shown = [f.checkpoints.first, f.checkpoints.dropFirst().first, f.checkpoints.count > 2 ? f.checkpoints[f.checkpoints.count / 2] : nil,
                     f.checkpoints.last].compactMap { $0 }
        var seen = Set<Int>()
        let series = shown.filter { seen.insert($0.batch).inserted }.map { cp in
            Series(x: Interpolation.alphas(cp.meanCurve.count), y: cp.meanCurve, label: "after \(cp.batch) batches",
                   lower: zip(cp.meanCurve, cp.stdCurve).map { $0 - $1 }, upper: zip(cp.meanCurve, cp.stdCurve).map { $0 + $1 })
        }
        try SVGPlot.line(series, title: "Loss between FVO pairs (mean +- std over classes and runs)", xLabel: "alpha", yLabel: "cross-entropy")
            .write(to: dir.url("curves.svg"))
    }
}
