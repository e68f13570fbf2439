import Foundation
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// `reproduce --data imagefolder:DIR --model M`: Sec 4.1-4.2 at ImageNet scale on the user's labelled folder: the
/// Fig 6 protocol over every class (barriers/), within-class connectivity (connectivity/) and per-class figures.
enum ImageFolderStage: ReproStage {
    static let id = "imagefolder", title = "Sec 4.1-4.2 on the image folder: Fig 6 over every class, per-class barriers, connectivity"

    /// Whether `spec` is an image-folder source (`reproduce` then runs this stage only).
    static func handles(_ spec: String) -> Bool { spec.hasPrefix("imagefolder:") || spec.hasPrefix("imagelist:") }

    static func barrierConfig(_ ctx: ReproContext) -> BarrierStatistics.Config {
        var c = BarrierStatistics.Config()
        c.pairProtocol = .paper
        c.seed = ctx.seed
        c.steps = ctx.pick(smoke: 10, quick: 100, full: 250)
        c.bypass.iterations = ctx.pick(smoke: 2, quick: 64, full: 1024)
        c.attack.steps = ctx.pick(smoke: 8, quick: 256, full: 512)
        return c
    }

    static func connectivityConfig(_ ctx: ReproContext) -> Connectivity.Config {
        var c = Connectivity.Config()
        c.pairs = ctx.pick(smoke: 2, quick: 20, full: 300)
        c.seed = ctx.seed
        c.chain.rounds = 1
        c.chain.primarySteps = ctx.pick(smoke: 10, quick: 250, full: 1000)
        c.chain.pointsPerSegment = ctx.pick(smoke: 5, quick: 100, full: 500)
        c.chain.bypass.iterations = ctx.pick(smoke: 2, quick: 256, full: 1024)
        return c
    }

    static func run(_ ctx: ReproContext) throws {
        guard let m = ctx.userModel else { throw CLIError("reproduce --data \(ctx.dataSpec) needs --model M (and --weights FILE)") }
        let (model, info) = try m.load()
        let source = try evaluationSource(ctx.dataSpec, model: model, info: info)
        let data = source.data
        let c = barrierConfig(ctx), cc = connectivityConfig(ctx)
        // One evaluation pass serves both plans (both select correctly classified images).
        let pool = c.selection.pool(data, model: model, lowestLossCount: c.lowestLossCount, progress: selectionProgress(c.selection, data, quiet: ctx.quiet))
        let dir = try ctx.folder(id)
        let stats = try RunDirectory(path: dir.url("barriers").path, mode: .resume)
        try writeConfig(stats, seed: ctx.seed, model: m, c, kind: "barriers", data: source.spec)
        let plans = try BarrierStatistics.plan(c, pool: pool)
        let units = try runUnits(stats, indices: Array(plans.indices), quiet: ctx.quiet) { i in
            try BarrierStatistics.measure(plans[i], c, model: model, data: data)
        }
        let conn = try RunDirectory(path: dir.url("connectivity").path, mode: .resume)
        try writeConfig(conn, seed: ctx.seed, model: m, cc, kind: "connectivity", data: source.spec)
        let pairs = try Connectivity.samplePairs(cc.selection == c.selection ? pool : cc.selection.pool(data, model: model), count: cc.pairs, seed: cc.seed)
        let rows = try runUnits(conn, indices: Array(pairs.indices), quiet: ctx.quiet) { i in
            try Connectivity.run(cc, pair: pairs[i], index: i, model: model, data: data)
        }
        let skipped = skippedFiles(data, replaced: units.flatMap { $0.skipped ?? [] } + rows.flatMap { $0.skipped ?? [] } + pool.unreadable)
        try writeBarriers(stats, config: c, units: units, plannedPairs: plans.count, skippedFiles: skipped)
        try writeConnectivity(conn, config: cc, rows: rows, skippedFiles: skipped)
        let name = { (y: Int) in (data as? ImageFolder)?.className(y) ?? "\(y)" }
        try stats.writeJSON(BarrierStatistics.perClass(BarrierStatistics.selected(units, c), name: name), "classes.json")
    }

    static func figures(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        let stats = try RunDirectory(path: dir.url("barriers").path, mode: .resume)
        let c = try stats.readJSON(BarriersFile.self, "result.json").config
        let units = BarrierStatistics.selected(try UnitLog<BarrierStatistics.Unit>(stats, name: "pairs.jsonl").completed.sorted { $0.key < $1.key }.map(\.value), c)
        try barrierFigures(stats, units: units, report: BarrierStatistics.summarize(units, seed: c.seed).1)
        let classes = try stats.readJSON([BarrierStatistics.ClassFigures].self, "classes.json")
        try BarrierStatistics.classPlot(classes).write(to: stats.url("classes.svg"))
        try BarrierStatistics.classCSV(classes).write(to: stats.url("classes.csv"))
        let conn = try RunDirectory(path: dir.url("connectivity").path, mode: .resume)
        try connectivityFigures(conn, rows: try UnitLog<Connectivity.Row>(conn, name: "pairs.jsonl").completed.sorted { $0.key < $1.key }.map(\.value))
    }

    static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let f = { (x: Double) in Reproduction.f(x, 3) }
        let b = try RunDirectory(path: dir.url("barriers").path, mode: .resume).readJSON(BarriersFile.self, "result.json")
        let classes = try RunDirectory(path: dir.url("barriers").path, mode: .resume).readJSON([BarrierStatistics.ClassFigures].self, "classes.json")
        html.paragraph("\(ctx.dataSpec): \(classes.count) classes with pairs, \(b.plannedPairs ?? 0) pairs planned under \(protocolText(b.config)); " +
                       "endpoints: \(b.config.selection.rawValue) images; \(b.config.steps)-point segments, \(b.config.attack.steps) attack steps, " +
                       "\(b.config.bypass.iterations) bypass steps; \(b.skippedImages ?? 0) unreadable image(s) skipped.")
        var rows: [[String]] = []
        for g in ["within", "adversarial"] {
            guard let s = b.groups[g] else { continue }
            let ci = { (i: DetectionMetrics.Interval?) in i.map { "[" + f($0.lower) + ", " + f($0.upper) + "]" } ?? "n/a" }
            rows.append([g, "\(s.max.count)", f(s.max.median) + " " + ci(s.maxMedianCI), f(s.max.q1) + "-" + f(s.max.q3),
                         f(s.gap.median) + " " + ci(s.gapMedianCI), f(s.gap.q1) + "-" + f(s.gap.q3)])
        }
        html.comparisonTable(header: ["group", "n", "max median [95% CI]", "max Q1-Q3", "gap median [95% CI]", "gap Q1-Q3"], rows: rows,
                             caption: "Fig 6 on the folder (reference, GoogLeNet on ImageNet, the paper's published Fig 6 CSVs: max median 1.794 / 5.994, " +
                                "gap median 0.469 / 5.302, within / adversarial)")
        html.comparisonTable(header: ["score", "AUROC [95% CI]", "TPR at 5% FPR", "reference: AUROC / TPR at 5% FPR"],
                             rows: ["barrierMax", "barrierGap", "bypassedMax", "learned"].compactMap { k in
                                 b.detection[k].map { [k, f($0.auroc) + " [" + f($0.aurocCI.lower) + ", " + f($0.aurocCI.upper) + "]", f($0.tprAt5FPR),
                                                       publishedDetectors[k] ?? "none"] }
                             }, caption: "Adversarial vs within-class detection (held-out half). " + publishedDetectorNote)
        html.inlineSVG(try dir.readText("barriers/barriers.svg"), caption: "Fig 6 analogue on the folder.")
        let (highest, lowest) = BarrierStatistics.extremes(classes, count: 5)
        let high = BarrierStatistics.classRows(highest), low = BarrierStatistics.classRows(lowest)
        html.comparisonTable(header: high.header, rows: high.rows, caption: "The classes with the highest median within-class barrier max")
        html.comparisonTable(header: low.header, rows: low.rows, caption: "The classes with the lowest median within-class barrier max")
        html.inlineSVG(try dir.readText("barriers/classes.svg"), caption: "Per class: median barrier max of within-class and of adversarial pairs.")
        let s = try RunDirectory(path: dir.url("connectivity").path, mode: .resume).readJSON(ConnectivityFile.self, "result.json").summary
        html.comparisonTable(header: ["quantity", "value"], rows: [
            ["within-class pairs", "\(s.pairs)"], ["median primary gap", f(s.medianPrimaryGap)], ["median gap after one bypass", f(s.medianFinalGap)],
            ["connected at eps 0.05", Reproduction.f(100 * (s.connectedFraction["0.05"] ?? 0), 1) + "%"],
            ["monotone pairs (gap 0)", Reproduction.f(100 * s.monotoneFraction, 1) + "%"],
        ], caption: "Sec 4.1 on the folder: connectivity of within-class pairs")
        html.links([("barriers/pairs.csv", "\(id)/barriers/pairs.csv"), ("barriers/result.json", "\(id)/barriers/result.json"),
                    ("barriers/classes.csv", "\(id)/barriers/classes.csv"), ("connectivity/pairs.csv", "\(id)/connectivity/pairs.csv")])
    }
}
