// The training experiment: train with progress, then model.safetensors and result.json.
import Foundation
import IsthmusNN
import IsthmusReport

extension Training {
    /// result.json of `train` (and of reproduce's model stage): final test accuracy and loss, the epoch log, the size.
    public struct File: Codable {
        public var testAccuracy: Double
        public var testLoss: Double
        public var epochs: [Training.Epoch]
        public var parameters: Int
        public init(testAccuracy: Double, testLoss: Double, epochs: [Training.Epoch], parameters: Int) {
            self.testAccuracy = testAccuracy; self.testLoss = testLoss; self.epochs = epochs; self.parameters = parameters
        }
    }

    /// Trains `net` on `split` with `config` (progress in batches on stderr unless `quiet`; `onEpoch` after each
    /// epoch), then writes model.safetensors (with `metadata`) and result.json to `dir`.
    @discardableResult
    public static func experiment(_ net: Module, on split: DataSplit, _ config: Config, quiet: Bool, metadata: [String: String],
                                  to dir: RunDirectory, onEpoch: (Epoch) -> Void = { _ in }) throws -> File {
        let progress = Progress(total: config.epochs * ((split.train.count + config.batch - 1) / config.batch), label: "train", quiet: quiet)
        let log = try train(net, on: split, config, onBatch: { _, _ in progress.advance() }, onEpoch: onEpoch)
        progress.finish()
        let file = File(testAccuracy: log.last!.testAccuracy, testLoss: log.last!.testLoss, epochs: log, parameters: net.parameterCount)
        try net.saveSafetensors(dir.url("model.safetensors").path, metadata: metadata)
        try dir.writeJSON(file, "result.json")
        return file
    }
}
