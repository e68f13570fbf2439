import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReproduce

/// `isthmus _folder-costs`: what one barrier pair of the paper's protocol costs on an image folder, by part: the
/// streaming loader (decode + preprocess), the batched evaluation pass, a 250-point segment, and one Adam step of
/// the attack/bypass objective (median of repetitions after a warm-up).
struct FolderCostsCommand: Command {
    static let name = "_folder-costs", summary = "per-part costs of a barrier pair on an image folder (loader, evaluation, segment, step)"
    static let usage = "usage: isthmus _folder-costs --model NAME --weights FILE --data imagefolder:DIR [--images N] [--reps R] [--steps S]"
    static var options: OptionTable {
        OptionTable(ModelArguments.cliOptions, [
            .text("--data", "SPEC", "imagefolder:DIR or imagelist:FILE.csv"),
            .int("--images", "N", 64, 2...1_000_000, "images read for the loader and evaluation rates"),
            .int("--reps", "R", 5, 1...1000, "repetitions of the segment and of the step"),
            .int("--steps", "S", 250, 2...100_000, "points of the segment"),
        ])
    }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let spec = try args.required("--data")
        let n = try args.int("--images")
        let reps = try args.int("--reps")
        let steps = try args.int("--steps")
        try args.finish()
        let (model, info) = try m.load()
        guard ImageFolderStage.handles(spec) else { throw CLIError("--data must be imagefolder:DIR or imagelist:FILE.csv") }
        func folder() throws -> ImageFolder { try DataSpec.evaluationSource(spec, model: model, info: info, images: DataSpec.ImageSettings()).data as! ImageFolder }
        let r = try Workloads.folderCosts(folder, model: model, images: n, reps: reps, steps: steps)
        print(String(format: "loader (decode + preprocess to %@): %.1f images/s", "\(info.inputShape)", r.loadRate))
        print(String(format: "evaluation pass (loader + batched forward, batch 64): %.1f images/s", r.evaluationRate))
        print(String(format: "segment of %d points (batched forward, batch 64): %.3f s", steps, r.segment))
        print(String(format: "one Adam step of the attack/bypass objective (forward + backward, batch 1): %.4f s", r.step))
    }
}
