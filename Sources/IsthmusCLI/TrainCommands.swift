import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

struct TrainCommand: Command {
    static let name = "train", summary = "train a model with Adam and cross-entropy; writes model.safetensors"
    static let usage = "usage: isthmus train --model NAME --data SPEC --out DIR [options]"
    /// The command's training settings (longer, faster and one-cycle, unlike the library's bare `Training.Config()`).
    static let defaults: Training.Config = {
        var c = Training.Config()
        c.epochs = 8; c.lr = 3e-3; c.schedule = "onecycle"
        return c
    }()
    static var options: OptionTable {
        let d = defaults
        return OptionTable(ModelArguments.cliOptions, [
            .data,
            .int("--epochs", "E", d.epochs, 1...10_000, ""),
            .int("--batch", "B", d.batch, 1...65_536, ""),
            .number("--lr", "LR", d.lr, min: 0, "Adam (peak) learning rate"),
            .number("--weight-decay", "WD", d.weightDecay, min: 0, "added to the gradient, as torch.optim.Adam"),
            .int("--shift", "S", nil, 0...16, "random translations of +-S pixels (default 2 for 1-channel data, else 0)"),
            .flag("--flip", "random horizontal flips"),
            .choice("--schedule", "NAME", ["constant", "onecycle"], d.schedule, "constant | onecycle"),
            .quiet,
        ], OutputArguments.options)
    }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args, requireWeights: false)
        let dataSpec = try args.required("--data")
        var c = defaults
        c.epochs = try args.int("--epochs")
        c.batch = try args.int("--batch")
        c.lr = try args.double("--lr")
        c.weightDecay = try args.double("--weight-decay")
        let shift = try args.optionalInt("--shift")
        c.flip = args.flag("--flip")
        c.schedule = try args.required("--schedule")
        c.seed = m.seed
        let quiet = args.flag("--quiet")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()

        let (split, model, net, info) = try DataSpec.split(dataSpec, for: m, classesFromData: true)
        c.shift = shift ?? (info.inputShape[0] == 1 ? 2 : 0)
        var last: Training.File!
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: model, c)
            last = try Training.experiment(net, on: split, c, quiet: quiet, metadata: ["model": info.name, "data": dataSpec], to: dir) { e in
                if !quiet {
                    note(String(format: "epoch %d: loss %.4f, train acc %.4f, test acc %.4f, %.0f images/s",
                                e.epoch, e.trainLoss, e.trainAccuracy, e.testAccuracy, e.imagesPerSecond))
                }
            }
        }
        print(String(format: "test accuracy %.4f (loss %.4f); wrote %@", last.testAccuracy, last.testLoss, out.path))
    }
}

struct EvalCommand: Command {
    static let name = "eval", summary = "accuracy and loss of a model on a data set's test split"
    static let usage = "usage: isthmus eval --model NAME --weights FILE [--data SPEC] [--split test|train]"
    static var options: OptionTable {
        OptionTable(ModelArguments.cliOptions, [.data, .choice("--split", "NAME", ["test", "train"], "test", "test | train")])
    }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let dataSpec = try args.required("--data")
        let which = try args.required("--split")
        try args.finish()
        let (split, _, net, _) = try DataSpec.split(dataSpec, for: m)
        let data = which == "test" ? split.test : split.train
        let (acc, loss) = Training.evaluate(net, on: data)
        print(String(format: "%@ %@ split: accuracy %.4f, loss %.4f (%d images)", dataSpec, which, acc, loss, data.count))
    }
}
