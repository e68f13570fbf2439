import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport
import IsthmusReproduce

struct ReproduceCommand: Command {
    static let name = "reproduce", summary = "the whole paper in one command, with an HTML report (resumable)"
    static let usage = "usage: isthmus reproduce (--quick | --full | --smoke) [--out DIR] [--data SPEC] [--model NAME --weights FILE] [--seed S]"
    static var options: OptionTable { OptionTable([
        .flag("--quick", "reduced iterations and pair counts (under 5 minutes on 2 cores)"),
        .flag("--full", "the paper's settings (hours)"),
        .flag("--smoke", "tiny settings that run the whole pipeline in seconds (a test; numbers meaningless)"),
        .text("--out", "DIR", "run folder (default runs/quick or runs/full)"),
        .flag("--resume", "continue an interrupted run in DIR (finished stages and pairs are kept)"),
        .flag("--force", "start DIR over"),
        .text("--data", "SPEC", "mnist5k", "(default {}); imagefolder:DIR or imagelist:FILE.csv with --model runs the ImageNet-scale\n"
              + "stage on it: Fig 6 over every class (paper protocol), per-class barriers, connectivity"),
        .text("--model", "NAME", "use this model instead of training mnist-cnn (with --weights)"),
        .text("--weights", "FILE", "its weights (.safetensors or .pth)"),
    ], ModelArguments.cliOptions, [.seed("(default {})"), .quiet]) }
    static let notes = "writes DIR/index.html (the report), one folder per stage with its CSV/JSON/SVG/PNG, DIR/run.json"

    static func run(_ args: inout Arguments) throws {
        let chosen = [("--quick", ReproContext.Scale.quick), ("--full", .full), ("--smoke", .smoke)].filter { args.flag($0.0) }
        guard chosen.count == 1 else { throw CLIError("choose one of --quick, --full, --smoke") }
        let scale = chosen[0].1
        let path = try args.string("--out") ?? "runs/" + scale.rawValue
        let resume = args.flag("--resume"), force = args.flag("--force")
        if resume && force { throw CLIError("--resume and --force exclude each other") }
        let data = try args.required("--data")
        var user: ModelArguments?
        if args.has("--model") {
            user = try ModelArguments.parse(&args, requireWeights: true)
        }
        let seed = try user?.seed ?? args.seed()
        let quiet = args.flag("--quiet")
        try args.finish()
        if ImageFolderStage.handles(data) && user == nil { throw CLIError("reproduce --data \(data) needs --model M (and --weights FILE)") }
        let root = try RunDirectory(path: path, mode: resume ? .resume : force ? .force : .create, lock: true)
        let config = Reproduction.Config(scale: scale, data: data, seed: seed, model: user?.options, weights: user?.weights)
        try root.guardConfig(hash: String(FNV1a.hash(try JSONCoding.encoder(pretty: false).encode(config)), radix: 16))
        if !root.exists("run.json") { try root.writeJSON(RunInfo.current(seed: seed), "run.json") }
        try root.writeJSON(config, "config.json")
        let ctx = ReproContext(root: root, scale: scale, seed: seed, quiet: quiet, dataSpec: data, userModel: user.map(RunsReproHost.model),
                               host: RunsReproHost(user: user))
        try Reproduction.run(ctx)
        print("report: \(root.url("index.html").path)")
    }
}
