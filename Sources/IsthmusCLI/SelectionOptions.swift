import Foundation
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// `--select RULE` and `--images-per-class N`: which images of a class may be pair endpoints (`ImageSelection`).
enum SelectionOptions {
    static let help = """
      --select RULE         endpoints per class: all | correct | lowest-loss (default correct). all: every image, the
                            plan drawn from the labels alone; correct: the images the model classifies correctly;
                            lowest-loss: the --images-per-class images of lowest L_y (both evaluate every image, in batches)
      --images-per-class N lowest-loss: images per class (default 10)
    """
    static let names: [String: ImageSelection] = ["all": .all, "correct": .correct, "lowest-loss": .lowestLoss]

    static func parse(_ args: inout Arguments, default d: ImageSelection, count: Int) throws -> (ImageSelection, Int) {
        let name = try args.choice("--select", ["all", "correct", "lowest-loss"], default: names.first { $0.value == d }!.key)
        let rule = names[name]!
        if args.has("--images-per-class") && rule != .lowestLoss { throw CLIError("--images-per-class goes with --select lowest-loss") }
        return (rule, try args.int("--images-per-class", default: count, min: 2, max: 1_000_000))
    }
}

/// Progress of the evaluation pass a selection rule makes over every image (nil for `.all`, which reads none).
func selectionProgress(_ rule: ImageSelection, _ data: some ImageSource, quiet: Bool) -> ((Int) -> Void)? {
    guard rule != .all else { return nil }
    let progress = Progress(total: data.count, label: "images evaluated", quiet: quiet, interval: 5)
    var done = 0
    return { k in
        progress.advance(by: k - done)
        done = k
        if k == data.count { progress.finish() }
    }
}
