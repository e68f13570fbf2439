import Foundation
import IsthmusCore
import IsthmusNN

struct PredictCommand: Command {
    static let name = "predict", summary = "top-k classes of a model for images or .npy inputs"
    static var help: String { """
    usage: isthmus predict --model NAME (--weights FILE | --untrained) --input FILE [--input FILE ...] [--top K]
    \(ModelArguments.help)
      --input FILE          an image (.png/.jpg: resized, center-cropped and normalized for the model) or a .npy input;
                            repeat for several
      --top K               classes to show (default 5)
    """ }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        var inputs: [String] = []
        while let i = try args.string("--input") { inputs.append(i) }
        let top = try args.int("--top", default: 5, min: 1, max: 1000)
        try args.finish()
        guard !inputs.isEmpty else { throw CLIError("give at least one --input") }
        let (model, info) = try m.load()
        for path in inputs {
            let x = try loadInput(path, info: info)
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
