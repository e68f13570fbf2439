import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// Options of the bypass and of the chain of bypasses. Every default shown comes from `Chain.Config`,
/// `Bypass.Config` and `Bypass.Config.untrained`, the values `parse` starts from.
enum ChainArguments {
    static func help(rounds: Int) -> String {
        let c = Chain.Config(), b = Bypass.Config(), u = Bypass.Config.untrained
        func g(_ x: Double) -> String { String(format: "%g", x) }
        return """
      --steps N             points on the primary segment A->C (default \(c.primarySteps))
      --points N            points per segment of the path (default \(c.pointsPerSegment))
      --rounds R            rounds of bypassing (default \(rounds)\(rounds == 1 ? ": the paper's A->B'->C" : ""))
      --bend B              always | conditional (default \(c.bending.rawValue)): always bends every segment of a round, as
                            the paper; conditional bends only segments whose max exceeds max(L(A),L(C)) + --tolerance
      --tolerance T         with --bend conditional (default \(g(c.tolerance)))
      --mode M              faithful | exact | free (default \(b.mode.rawValue); free = Sec 4.3 setting for untrained nets)
      --iterations N        Adam steps per bend (default \(b.iterations); \(u.iterations) in free mode)
      --lr LR               (default \(g(b.lr)); \(g(u.lr)) in free mode)
      --mse W               weight of mean((x-B)^2) (default \(g(b.mseWeight)))
      --tv W                weight of TV(x-B) (default \(g(b.tvWeight)))
      --weight-decay WD     (default \(g(b.weightDecay)); \(g(u.weightDecay)) in free mode)
      --stop-loss L         a bend stops after the step whose CE was < L, returning the stepped point
                            (default \(b.stopLoss.map(g) ?? "none"); \(u.stopLoss.map(g) ?? "none") in free mode)
      --certify-every N     stop a bend early once the path through it is within --certify-tolerance of its ends,
                            checked every N steps on --certify-points points per segment (default: never, as the paper)
      --certify-points N    (default \(b.certifyPoints))
      --certify-tolerance T (default \(g(b.certifyTolerance)))
    """
    }

    static func parse(_ args: inout Arguments, rounds: Int = Chain.Config().rounds) throws -> Chain.Config {
        var c = Chain.Config()
        c.primarySteps = try args.int("--steps", default: c.primarySteps, min: 2, max: 1_000_000)
        c.pointsPerSegment = try args.int("--points", default: c.pointsPerSegment, min: 2, max: 1_000_000)
        c.rounds = try args.int("--rounds", default: rounds, min: 0, max: 20)
        c.bending = Chain.Bending(rawValue: try args.choice("--bend", Chain.Bending.allCases.map(\.rawValue), default: c.bending.rawValue))!
        if args.has("--tolerance") && c.bending != .conditional { throw CLIError("--tolerance needs --bend conditional") }
        c.tolerance = try args.double("--tolerance", default: c.tolerance, min: 0)
        let mode = Bypass.Mode(rawValue: try args.choice("--mode", Bypass.Mode.allCases.map(\.rawValue), default: Bypass.Config().mode.rawValue))!
        var b = mode == .free ? Bypass.Config.untrained : Bypass.Config()
        b.mode = mode
        b.iterations = try args.int("--iterations", default: b.iterations, min: 1, max: 10_000_000)
        b.lr = try args.double("--lr", default: b.lr, min: 0)
        b.mseWeight = try args.double("--mse", default: b.mseWeight, min: 0)
        b.tvWeight = try args.double("--tv", default: b.tvWeight, min: 0)
        b.weightDecay = try args.double("--weight-decay", default: b.weightDecay, min: 0)
        if args.has("--stop-loss") { b.stopLoss = try args.double("--stop-loss", min: 0) }
        b.certifyEvery = try args.optionalInt("--certify-every", min: 1, max: 1_000_000)
        b.certifyPoints = try args.int("--certify-points", default: b.certifyPoints, min: 2, max: 1_000_000)
        b.certifyTolerance = try args.double("--certify-tolerance", default: b.certifyTolerance, min: 0)
        c.bypass = b
        return c
    }
}

/// result.json of `bypass`/`chain`: the chain result plus its deviation fields at the top level.
struct PathFile: Encodable {
    let result: Chain.Result
    enum K: String, CodingKey { case deviationRatio, pixelDeviation, hyperplaneDistance, bendAngle }
    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: K.self)
        try c.encode(result.deviation?.deviationRatio ?? 0, forKey: .deviationRatio)
        try c.encode(result.deviation?.pixelDeviation ?? 0, forKey: .pixelDeviation)
        try c.encode(result.deviation?.hyperplaneDistance ?? 0, forKey: .hyperplaneDistance)
        try c.encode(result.deviation?.bendAngle ?? 180, forKey: .bendAngle)
    }
}

/// The loss-curve figure of a path (primary segment vs bypassed path, as the paper's Fig 2).
func pathPlot(_ r: Chain.Result, title: String) -> SVGPlot {
    let primary = Series(x: Interpolation.alphas(r.primaryLosses.count), y: r.primaryLosses.map(Double.init), label: "straight A->C")
    let path = Series(x: r.pathPositions, y: r.pathLosses.map(Double.init), label: "path after \(r.rounds.count) round(s)")
    var plot = SVGPlot.line([primary, path], title: title, xLabel: "position along the path", yLabel: "cross-entropy")
    plot.horizontalLines = [ReferenceLine(max(r.lossA, r.lossC), label: "max(L(A), L(C))")]
    return plot
}

/// Writes result.json, curve.svg, curve.csv, strip.png (A, B, B', C, B'-B) and bends.npy of one path.
func writePath(_ dir: RunDirectory, _ r: Chain.Result, _ path: Chain.Path, _ info: ModelInfo, title: String) throws {
    try dir.writeJSON(PathFile(result: r), "result.json")
    try pathPlot(r, title: title).write(to: dir.url("curve.svg"))
    var csv = CSVWriter(header: ["position", "loss"])
    for (t, l) in zip(r.pathPositions, r.pathLosses) { csv.addRow([.double(t), .double(Double(l))]) }
    try csv.write(to: dir.url("curve.csv"))
    var images: [PixelImage] = [.input(path.vertices.first!, info.normalization), .input(path.barrierPoint, info.normalization)]
    if let bend = path.firstBend {
        images.append(.input(bend, info.normalization))
        images.append(.input(path.vertices.last!, info.normalization))
        let d = bend - path.barrierPoint
        let (C, H, W) = (info.inputShape[0], info.inputShape[1], info.inputShape[2])
        images.append(PNG.pixels(fromCHW: d.scalars, channels: C, height: H, width: W, range: .symmetric))
    } else {
        images.append(.input(path.vertices.last!, info.normalization))
    }
    try PNG.write(PNG.upscale(PNG.grid(images: images, columns: images.count), factor: max(1, 112 / info.inputShape[1])),
                  to: dir.url("strip.png"))
    if path.vertices.count > 2 { try concat(Array(path.vertices.dropFirst().dropLast()), axis: 0).writeNpy(dir.url("bends.npy").path) }
}

struct BypassCommand: Command {
    static let name = "bypass", summary = "the paper's bypass: a low-loss path A->B'->C around the barrier (Sec 3.2)"
    static let defaultRounds = 1
    static var help: String { help(command: name, rounds: defaultRounds) }
    static func help(command: String, rounds: Int) -> String { """
    usage: isthmus \(command) --model NAME (--weights FILE | --untrained) --class K (endpoints) --out DIR [options]
    \(ModelArguments.help)
    \(PairArguments.help)
      --class K             the class y of L_y
    \(ChainArguments.help(rounds: rounds))
    \(OutputArguments.help)
    writes result.json (primaryMax, primaryGap, finalMax, finalGap, connected, deviation..., roundMax), curve.svg,
    curve.csv, strip.png (A, B, B', C and the amplified change B'-B), bends.npy
    """ }

    static func run(_ args: inout Arguments) throws { try runPath(&args, command: name, defaultRounds: defaultRounds) }

    static func runPath(_ args: inout Arguments, command: String, defaultRounds: Int) throws {
        let m = try ModelArguments.parse(&args)
        let pair = try PairArguments.parse(&args)
        let (model, info) = try m.load()
        var config = try ChainArguments.parse(&args, rounds: defaultRounds)
        config.classIndex = try classIndex(&args, info: info)
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let (a, c) = try pair.load(info: info)
        let beat = Heartbeat(command, detail: "up to \(config.rounds) round(s) of \(config.bypass.iterations) Adam steps per bend")
        let (result, path) = try Chain.run(config, model: model, from: a, to: c, normalization: info.normalization)
        beat.stop()
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, config)
            try writePath(dir, result, path, info, title: "Class \(config.classIndex): straight segment vs bypass")
        }
        print(String(format: "primary max %.4f (gap %.4f) -> path max %.4f (gap %.4f) after %d round(s); deviation %.4f, pixel %.4f",
                     result.primaryMax, result.primaryGap, result.finalMax, result.finalGap, result.rounds.count,
                     result.deviation?.deviationRatio ?? 0, result.deviation?.pixelDeviation ?? 0))
    }
}

struct ChainCommand: Command {
    static let name = "chain", summary = "repeated bypasses until the path is within tolerance (Sec 4.3)"
    static let defaultRounds = 2
    static var help: String { BypassCommand.help(command: name, rounds: defaultRounds) }
    static func run(_ args: inout Arguments) throws { try BypassCommand.runPath(&args, command: name, defaultRounds: defaultRounds) }
}

struct ConnectivityCommand: Command {
    static let name = "connectivity", summary = "bypass statistics over many within-class test pairs"
    /// Pairs per batch by default: 1, the sequential procedure, whose rows are bit-identical whatever the shard or
    /// resume; batched rows equal them to float32 tolerance only.
    static let defaultBatch = 1
    static var help: String { """
    usage: isthmus connectivity --model NAME --weights FILE --data SPEC --pairs N --out DIR [options]
    \(ModelArguments.help)
      --data SPEC           \(DataSource.names.joined(separator: " | ")) (default mnist5k)
      --pairs N             within-class test pairs (default 100)
      --all-images          also use misclassified test images (default: only correctly classified ones); = --select all
      --shard I/N           run pairs with index = I mod N only (merge shards with isthmus merge)
    \(SelectionOptions.help)
    \(ImageDataOptions.help)
      --batch K             optimize the bends of K pairs together in one batch (default \(defaultBatch): the pairs one
                            by one); each pair keeps its own Adam state, direction, anchor and stop, so rows equal the
                            sequential ones to float32 rounding (not bit for bit); not part of the run's identity
    \(ChainArguments.help(rounds: Chain.Config().rounds))
      --quiet               no progress on stderr
      --out DIR             run folder; --resume continues an interrupted run, --force starts over
    writes pairs.csv (one row per pair), result.json {config, summary {pairs, medianPrimaryGap, medianFinalGap,
    connectedFraction, bentPairs, unbentPairs, medianDeviationRatio, medianPixelDeviation (over bent pairs), ...}},
    gaps.svg
    """ }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let dataSpec = try args.string("--data", default: "mnist5k")
        var c = Connectivity.Config()
        c.pairs = try args.int("--pairs", default: 100, min: 1, max: 1_000_000)
        let allImages = args.flag("--all-images")
        if allImages && args.has("--select") { throw CLIError("--all-images and --select exclude each other") }
        (c.selection, c.lowestLossCount) = try SelectionOptions.parse(&args, default: allImages ? .all : c.selection, count: c.lowestLossCount)
        c.seed = m.seed
        c.chain = try ChainArguments.parse(&args)
        let batch = try args.int("--batch", default: defaultBatch, min: 1, max: 4096)
        let run = try ManyPairRun.open(&args, model: m, data: dataSpec, config: c)
        let pairs = try Connectivity.samplePairs(run.test, model: run.model, count: c.pairs, seed: c.seed, selection: c.selection,
                                                 lowestLossCount: c.lowestLossCount,
                                                 progress: selectionProgress(c.selection, run.test, quiet: run.quiet))
        let rows: [Connectivity.Row]
        if batch == 1 {
            rows = try runUnits(run.dir, indices: run.owned(pairs.count), quiet: run.quiet) { i in
                try Connectivity.run(c, pair: pairs[i], index: i, model: run.model, data: run.test)
            }
        } else {
            rows = try runUnitsBatched(run.dir, indices: run.owned(pairs.count), quiet: run.quiet) { todo, done in
                try Connectivity.runMany(c, pairs: pairs, indices: todo, batch: batch, model: run.model, data: run.test) { row in
                    try done(row.pair, row)
                }
            }
        }
        let dir = run.dir
        let summary = try writeConnectivity(dir, config: c, rows: rows, skippedFiles: skippedFiles(run.test, replaced: rows.flatMap { $0.skipped ?? [] }))
        print(String(format: "%d pairs: median primary gap %.4f -> final gap %.4f; connected at 0.05: %.1f%%; median deviation %.4f (pixel %.4f) over %d bent pairs, %d unbent",
                     summary.pairs, summary.medianPrimaryGap, summary.medianFinalGap,
                     100 * (summary.connectedFraction["0.05"] ?? 0), summary.medianDeviationRatio, summary.medianPixelDeviation,
                     summary.bentPairs, summary.unbentPairs))
    }
}

struct ConnectivityFile: Codable {
    var config: Connectivity.Config
    var summary: Connectivity.Summary
    /// Images of an imagefolder/imagelist source skipped as unreadable (absent for other sources), and their paths.
    var skippedImages: Int? = nil
    var skippedFiles: [String]? = nil
}

/// pairs.csv, result.json and gaps.svg from the finished rows (also used by `merge`).
@discardableResult
func writeConnectivity(_ dir: RunDirectory, config c: Connectivity.Config, rows: [Connectivity.Row],
                       skippedFiles: [String]? = nil) throws -> Connectivity.Summary {
    let eps = c.chain.epsilons
    let summary = Connectivity.summarize(rows, epsilons: eps)
    var csv = CSVWriter(header: ["pair", "class", "indexA", "indexC", "lossA", "lossC", "primaryMax", "primaryGap", "primaryBlendGap",
                                 "finalMax", "finalGap", "deviationRatio", "pixelDeviation", "hyperplaneDistance", "bendAngle",
                                 "pathLengthRatio", "rounds", "gradientEvaluations", "seconds", "bent"] + eps.map { "connected@" + String(format: "%g", $0) })
    for r in rows {
        csv.addRow([.int(r.pair), .int(r.classIndex), .int(r.indexA), .int(r.indexC), .double(r.lossA), .double(r.lossC),
                    .double(r.primaryMax), .double(r.primaryGap), .double(r.primaryBlendGap), .double(r.finalMax), .double(r.finalGap),
                    .double(r.deviationRatio), .double(r.pixelDeviation), .double(r.hyperplaneDistance), .double(r.bendAngle),
                    .double(r.pathLengthRatio), .int(r.rounds), .int(r.gradientEvaluations), .double(r.seconds), .int(r.bent ? 1 : 0)]
                   + eps.map { .int(r.connected[String(format: "%g", $0)] == true ? 1 : 0) })
    }
    try csv.write(to: dir.url("pairs.csv"))
    try dir.writeJSON(ConnectivityFile(config: c, summary: summary, skippedImages: skippedFiles?.count, skippedFiles: skippedFiles), "result.json")
    try connectivityFigures(dir, rows: rows)
    return summary
}

/// gaps.svg: box plots of the barrier gaps before and after bypassing.
func connectivityFigures(_ dir: RunDirectory, rows: [Connectivity.Row]) throws {
    try SVGPlot.box([BoxGroup("primary gap", rows.map(\.primaryGap)), BoxGroup("gap after bypass", rows.map(\.finalGap))],
                    title: "Within-class barrier gaps (\(rows.count) pairs)", yLabel: "gap").write(to: dir.url("gaps.svg"))
}
