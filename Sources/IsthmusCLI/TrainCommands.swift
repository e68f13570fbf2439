import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

struct TrainCommand: Command {
    static let name = "train", summary = "train a model with Adam and cross-entropy; writes model.safetensors"
    static let help = """
    usage: isthmus train --model NAME --data SPEC --out DIR [options]
    \(ModelArguments.help)
      --data SPEC           \(DataSource.names.joined(separator: " | ")) (default mnist5k)
      --epochs E            (default 8)
      --batch B             (default 64)
      --lr LR               Adam (peak) learning rate (default 3e-3)
      --weight-decay WD     added to the gradient, as torch.optim.Adam (default 0)
      --shift S             random translations of +-S pixels (default 2 for 1-channel data, else 0)
      --flip                random horizontal flips
      --schedule NAME       constant | onecycle (default onecycle)
      --quiet               no progress on stderr
    \(OutputArguments.help)
    """

    struct Result: Codable {
        var testAccuracy: Double
        var testLoss: Double
        var epochs: [Training.Epoch]
        var parameters: Int
    }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args, requireWeights: false)
        let dataSpec = try args.string("--data", default: "mnist5k")
        var c = Training.Config()
        c.epochs = try args.int("--epochs", default: 8, min: 1, max: 10_000)
        c.batch = try args.int("--batch", default: 64, min: 1, max: 65_536)
        c.lr = try args.double("--lr", default: 3e-3, min: 0)
        c.weightDecay = try args.double("--weight-decay", default: 0, min: 0)
        let shift = try args.optionalInt("--shift", min: 0, max: 16)
        c.flip = args.flag("--flip")
        c.schedule = try args.choice("--schedule", ["constant", "onecycle"], default: "onecycle")
        c.seed = m.seed
        let quiet = args.flag("--quiet")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()

        let split = try DataSource.load(dataSpec)
        var model = m
        if model.options.classes == nil { model.options.classes = split.train.classes }
        let (net, info) = try model.load()
        guard info.inputShape == split.train.imageShape else {
            throw CLIError("\(info.name) takes \(info.inputShape) inputs, \(dataSpec) has \(split.train.imageShape)")
        }
        for d in [split.train, split.test] { try checkLabels(d, spec: dataSpec, info: info) }
        c.shift = shift ?? (info.inputShape[0] == 1 ? 2 : 0)
        let progress = Progress(total: c.epochs * ((split.train.count + c.batch - 1) / c.batch), label: "train", quiet: quiet)
        let log = try Training.train(net, on: split, c, onBatch: { _, _ in progress.advance(by: 1) }) { e in
            if !quiet {
                note(String(format: "epoch %d: loss %.4f, train acc %.4f, test acc %.4f, %.0f images/s",
                            e.epoch, e.trainLoss, e.trainAccuracy, e.testAccuracy, e.imagesPerSecond))
            }
        }
        progress.finish()
        let last = log.last!
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: model, c)
            try net.saveSafetensors(dir.url("model.safetensors").path, metadata: ["model": info.name, "data": dataSpec])
            try dir.writeJSON(Result(testAccuracy: last.testAccuracy, testLoss: last.testLoss, epochs: log,
                                     parameters: net.parameterCount), "result.json")
        }
        print(String(format: "test accuracy %.4f (loss %.4f); wrote %@", last.testAccuracy, last.testLoss, out.path))
    }
}

struct EvalCommand: Command {
    static let name = "eval", summary = "accuracy and loss of a model on a data set's test split"
    static let help = """
    usage: isthmus eval --model NAME --weights FILE [--data SPEC] [--split test|train]
    \(ModelArguments.help)
      --data SPEC           \(DataSource.names.joined(separator: " | ")) (default mnist5k)
      --split NAME          test | train (default test)
    """

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let dataSpec = try args.string("--data", default: "mnist5k")
        let which = try args.choice("--split", ["test", "train"], default: "test")
        try args.finish()
        let split = try DataSource.load(dataSpec)
        let data = which == "test" ? split.test : split.train
        let (net, info) = try m.load()
        guard info.inputShape == data.imageShape else {
            throw CLIError("\(info.name) takes \(info.inputShape) inputs, \(dataSpec) has \(data.imageShape)")
        }
        try checkLabels(data, spec: dataSpec, info: info)
        let (acc, loss) = Training.evaluate(net, on: data)
        print(String(format: "%@ %@ split: accuracy %.4f, loss %.4f (%d images)", dataSpec, which, acc, loss, data.count))
    }
}
