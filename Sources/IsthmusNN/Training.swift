import Foundation
import IsthmusCore

/// Supervised training with Adam and cross-entropy (the paper trains its models this way).
public enum Training {
    public struct Config: Codable, Equatable, Sendable {
        public var epochs = 5
        public var batch = 64
        public var lr: Double = 1e-3
        public var weightDecay: Double = 0
        public var seed: UInt64 = 0
        /// Random translations of up to +-shift pixels (zero padding in pixel space); 0 disables.
        public var shift = 0
        /// Random horizontal flips (CIFAR-style augmentation).
        public var flip = false
        /// `constant` or `onecycle` (linear warm-up to lr over 30% of the steps, then cosine decay to lr/1e3).
        public var schedule = "constant"
        public init() {}
    }

    public struct Epoch: Codable, Equatable, Sendable {
        public var epoch: Int
        public var trainLoss: Double
        public var trainAccuracy: Double
        public var testLoss: Double
        public var testAccuracy: Double
        public var imagesPerSecond: Double
    }

    /// Learning rate at step t of T.
    static func rate(_ c: Config, step t: Int, of T: Int) -> Float {
        guard c.schedule == "onecycle", T > 1 else { return Float(c.lr) }
        let warm = max(1, Int(0.3 * Double(T)))
        if t < warm { return Float(c.lr * (0.04 + 0.96 * Double(t) / Double(warm))) }
        let p = Double(t - warm) / Double(max(1, T - warm))
        return Float(c.lr * (1e-3 + (1 - 1e-3) * 0.5 * (1 + cos(Double.pi * p))))
    }

    /// A batch with random shifts/flips applied in pixel space (the fill is the normalized value of pixel 0).
    public static func augment(_ x: Tensor, _ c: Config, _ norm: Normalization, _ rng: inout SplitMix64) -> Tensor {
        guard c.shift > 0 || c.flip else { return x }
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let out = Tensor(uninitialized: x.shape)
        let px = x.data, po = out.mutableData
        for n in 0..<N {
            let dy = c.shift > 0 ? Int(rng.next() % UInt64(2 * c.shift + 1)) - c.shift : 0
            let dx = c.shift > 0 ? Int(rng.next() % UInt64(2 * c.shift + 1)) - c.shift : 0
            let flip = c.flip && rng.next() & 1 == 1
            for ch in 0..<C {
                let fill = (0 - norm.mean[ch]) / norm.std[ch], base = (n * C + ch) * H * W
                for h in 0..<H {
                    for w in 0..<W {
                        let sh = h - dy, sw0 = w - dx, sw = flip ? W - 1 - sw0 : sw0
                        po[base + h * W + w] = (sh >= 0 && sh < H && sw >= 0 && sw < W) ? px[base + sh * W + sw] : fill
                    }
                }
            }
        }
        return out
    }

    /// Accuracy and mean loss of `model` on `data` in eval mode, batched, without the tape.
    public static func evaluate(_ model: Module, on data: Dataset, batch: Int = 256) -> (accuracy: Double, loss: Double) {
        let wasTraining = model.training
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var correct = 0, lossSum = 0.0
        withoutGradients {
            var i = 0
            while i < data.count {
                let n = min(batch, data.count - i)
                let labels = Array(data.labels[i..<(i + n)])
                let logits = model(data.images.rows(i..<(i + n)))
                let losses = crossEntropyPerSample(logits: logits, labels: labels)
                lossSum += losses.scalars.reduce(0.0) { $0 + Double($1) }
                correct += zip(logits.argmax(axis: 1), labels).filter { $0 == $1 }.count
                i += n
            }
        }
        return (Double(correct) / Double(max(data.count, 1)), lossSum / Double(max(data.count, 1)))
    }

    /// Trains `model` in place. `onBatch(done, total)` reports progress; `onEpoch` each finished epoch.
    /// Fails (and leaves the weights as they were after the last good step) if the loss becomes NaN or Inf.
    public static func train(_ model: Module, on split: DataSplit, _ c: Config,
                             onBatch: (Int, Int) -> Void = { _, _ in }, onEpoch: (Epoch) -> Void = { _ in }) throws -> [Epoch] {
        var rng = SplitMix64(seed: c.seed)
        let params = model.parameters.map(\.tensor)
        let opt = Adam(params, lr: Float(c.lr), weightDecay: Float(c.weightDecay))
        let n = split.train.count, perEpoch = (n + c.batch - 1) / c.batch, total = perEpoch * c.epochs
        var log: [Epoch] = []
        var step = 0
        for epoch in 1...max(c.epochs, 1) {
            model.setTraining(true)
            var order = Array(0..<n)
            order.shuffle(using: &rng)
            var lossSum = 0.0, correct = 0
            let start = Date()
            for b in 0..<perEpoch {
                let idx = Array(order[(b * c.batch)..<min(n, (b + 1) * c.batch)])
                let x = augment(split.train.images.gathered(rows: idx), c, split.train.normalization, &rng)
                let y = idx.map { split.train.labels[$0] }
                var logits: Tensor!
                let (loss, grads) = valueWithGradient(wrt: params) {
                    logits = model(x)
                    return crossEntropy(logits: logits, labels: y)
                }
                guard loss.scalar.isFinite else {
                    throw TrainingError("loss became \(loss.scalar) at epoch \(epoch), step \(step + 1); try a smaller --lr")
                }
                opt.lr = rate(c, step: step, of: total)
                opt.step(grads)
                step += 1
                lossSum += Double(loss.scalar) * Double(idx.count)
                correct += zip(logits.argmax(axis: 1), y).filter { $0 == $1 }.count
                onBatch(step, total)
            }
            let seconds = Date().timeIntervalSince(start)
            let (acc, tl) = evaluate(model, on: split.test)
            let e = Epoch(epoch: epoch, trainLoss: lossSum / Double(n), trainAccuracy: Double(correct) / Double(n),
                          testLoss: tl, testAccuracy: acc, imagesPerSecond: Double(n) / max(seconds, 1e-9))
            log.append(e)
            onEpoch(e)
        }
        model.setTraining(false)
        return log
    }
}

public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
