import Foundation
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// `reproduce --data imagefolder:DIR --model M`: Sec 4.1-4.2 at ImageNet scale on the user's labelled folder: the
/// Fig 6 protocol over every class (barriers/), within-class connectivity (connectivity/) and per-class figures.
/// A reproduction that cannot run as asked (one line for the user).
public struct ReproError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

public enum ImageFolderStage: ReproStage {
    public static let id = "imagefolder", title = "Sec 4.1-4.2 on the image folder: Fig 6 over every class, per-class barriers, connectivity"

    /// Whether `spec` is an image-folder source (`reproduce` then runs this stage only).
    public static func handles(_ spec: String) -> Bool { spec.hasPrefix("imagefolder:") || spec.hasPrefix("imagelist:") }

    public static func run(_ ctx: ReproContext) throws {
        guard let m = ctx.userModel else { throw ReproError("reproduce --data \(ctx.dataSpec) needs --model M (and --weights FILE)") }
        let (model, info) = try ctx.host.load(m)
        let source = try ctx.host.imageSource(ctx.dataSpec, model: model, info: info)
        let data = source.data
        var c = BarrierStatistics.Config.imageFolder(ctx.preset), cc = Connectivity.Config.imageFolder(ctx.preset)
        c.seed = ctx.seed; cc.seed = ctx.seed
        // One evaluation pass serves both plans (both select correctly classified images).
        let pool = c.selection.pool(data, model: model, lowestLossCount: c.lowestLossCount, progress: c.selection.progress(over: data, quiet: ctx.quiet))
        let dir = try ctx.folder(id)
        let stats = try RunDirectory(path: dir.url("barriers").path, mode: .resume)
        try ctx.writeConfig(stats, model: m, c, kind: "barriers", data: source.spec)
        let plans = try BarrierStatistics.plan(c, pool: pool)
        let units = try BarrierStatistics.run(c, plans: plans, model: model, data: data, units: ctx.units(stats))
        let conn = try RunDirectory(path: dir.url("connectivity").path, mode: .resume)
        try ctx.writeConfig(conn, model: m, cc, kind: "connectivity", data: source.spec)
        let pairs = try Connectivity.samplePairs(cc.selection == c.selection ? pool : cc.selection.pool(data, model: model), count: cc.pairs, seed: cc.seed)
        let rows = try Connectivity.run(cc, pairs: pairs, model: model, data: data, units: ctx.units(conn))
        let skipped = unreadableFiles(data, replaced: units.flatMap { $0.skipped ?? [] } + rows.flatMap { $0.skipped ?? [] } + pool.unreadable)
        if let skipped, !skipped.isEmpty { ctx.note("\(data.name): skipped \(skipped.count) of \(data.count) images that could not be decoded") }
        try BarrierStatistics.write(c, units: units, plannedPairs: plans.count, skippedFiles: skipped, to: stats)
        try Connectivity.write(cc, rows: rows, skippedFiles: skipped, to: conn)
        let name = { (y: Int) in (data as? ImageFolder)?.className(y) ?? "\(y)" }
        try stats.writeJSON(BarrierStatistics.perClass(BarrierStatistics.selected(units, c), name: name), "classes.json")
    }

    public static func figures(_ ctx: ReproContext) throws {
        let dir = try ctx.folder(id)
        let stats = try RunDirectory(path: dir.url("barriers").path, mode: .resume)
        try BarrierStatistics.figures(from: stats)
        let classes = try stats.readJSON([BarrierStatistics.ClassFigures].self, "classes.json")
        try BarrierStatistics.classPlot(classes).write(to: stats.url("classes.svg"))
        try BarrierStatistics.classCSV(classes).write(to: stats.url("classes.csv"))
        let conn = try RunDirectory(path: dir.url("connectivity").path, mode: .resume)
        try Connectivity.figures(from: conn)
    }

    public static func report(_ ctx: ReproContext, into html: inout HTMLReport) throws {
        let dir = try ctx.folder(id)
        let f = { (x: Double) in Reproduction.f(x, 3) }
        let b = try RunDirectory(path: dir.url("barriers").path, mode: .resume).readJSON(BarrierStatistics.File.self, "result.json")
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
                                                       PaperReference.detectors[k] ?? "none"] }
                             }, caption: "Adversarial vs within-class detection (held-out half). " + PaperReference.detectorNote)
        html.inlineSVG(try dir.readText("barriers/barriers.svg"), caption: "Fig 6 analogue on the folder.")
        let (highest, lowest) = BarrierStatistics.extremes(classes, count: 5)
        let high = BarrierStatistics.classRows(highest), low = BarrierStatistics.classRows(lowest)
        html.comparisonTable(header: high.header, rows: high.rows, caption: "The classes with the highest median within-class barrier max")
        html.comparisonTable(header: low.header, rows: low.rows, caption: "The classes with the lowest median within-class barrier max")
        html.inlineSVG(try dir.readText("barriers/classes.svg"), caption: "Per class: median barrier max of within-class and of adversarial pairs.")
        let s = try RunDirectory(path: dir.url("connectivity").path, mode: .resume).readJSON(Connectivity.File.self, "result.json").summary
        html.comparisonTable(header: ["quantity", "value"], rows: [
            ["within-class pairs", "\(s.pairs)"], ["median primary gap", f(s.medianPrimaryGap)], ["median gap after one bypass", f(s.medianFinalGap)],
            ["connected at eps 0.05", Reproduction.f(100 * (s.connectedFraction["0.05"] ?? 0), 1) + "%"],
            ["monotone pairs (gap 0)", Reproduction.f(100 * s.monotoneFraction, 1) + "%"],
        ], caption: "Sec 4.1 on the folder: connectivity of within-class pairs")
        html.links([("barriers/pairs.csv", "\(id)/barriers/pairs.csv"), ("barriers/result.json", "\(id)/barriers/result.json"),
                    ("barriers/classes.csv", "\(id)/barriers/classes.csv"), ("connectivity/pairs.csv", "\(id)/connectivity/pairs.csv")])
    }
}
