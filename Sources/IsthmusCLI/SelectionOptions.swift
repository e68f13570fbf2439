import Foundation
import IsthmusLandscape
import IsthmusNN

/// `--select RULE` and `--images-per-class N`: which images of a class may be pair endpoints (`ImageSelection`).
enum SelectionOptions {
    static let names: [String: ImageSelection] = ["all": .all, "correct": .correct, "lowest-loss": .lowestLoss]
    static func name(_ rule: ImageSelection) -> String { names.first { $0.value == rule }!.key }

    static func options(_ d: ImageSelection, count: Int) -> [Option] { [
        .choice("--select", "RULE", ["all", "correct", "lowest-loss"], name(d),
                "endpoints per class: all | correct | lowest-loss (default {}). all: every image, the\n"
                + "plan drawn from the labels alone; correct: the images the model classifies correctly;\n"
                + "lowest-loss: the --images-per-class images of lowest L_y (both evaluate every image, in batches)"),
        .int("--images-per-class", "N", count, 2...1_000_000, "lowest-loss: images per class"),
    ] }

    /// The rule (`override` when a command's own flag, such as `--all-images`, chose it) and the lowest-loss count.
    static func parse(_ args: inout Arguments, override: ImageSelection? = nil) throws -> (ImageSelection, Int) {
        let given = try args.required("--select")
        let rule = override ?? names[given]!
        if args.has("--images-per-class") && rule != .lowestLoss { throw CLIError("--images-per-class goes with --select lowest-loss") }
        return (rule, try args.int("--images-per-class"))
    }
}
