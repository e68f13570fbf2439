import Foundation
import IsthmusCore
import IsthmusNN

struct PredictCommand: Command {
    static let name = "predict", summary = "top-k classes of a model for images or .npy inputs"
    static let usage = "usage: isthmus predict --model NAME (--weights FILE | --untrained) --input FILE [--input FILE ...] [--top K]"
    static var options: OptionTable {
        OptionTable(ModelArguments.cliOptions, [
            Option.text("--input", "FILE", "an image (.png/.jpg: resized, center-cropped and normalized for the model) or a .npy input;\n"
                        + "repeat for several").allowingRepeats(),
            .int("--top", "K", 5, 1...1000, "classes to show"),
        ])
    }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let inputs = try args.strings("--input")
        let top = try args.int("--top")
        try args.finish()
        guard !inputs.isEmpty else { throw CLIError("give at least one --input") }
        let (model, info) = try m.load()
        for path in inputs {
            let x = try DataSpec.input(path, info: info)
            let p = withoutGradients { model(x).softmax(axis: 1).scalars }
            let best = p.indices.sorted { p[$0] > p[$1] }.prefix(top)
            let names = best.map { k in
                let name = info.classes == 1000 ? " " + ImageNetClasses.name(k) : ""
                return String(format: "%d%@ %.4f", k, name, p[k])
            }
            print("\((path as NSString).lastPathComponent): " + names.joined(separator: ", "))
        }
    }
}
