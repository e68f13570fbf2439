import Foundation
import IsthmusCore
import IsthmusFormats

/// Per-channel normalization x_norm = (x - mean) / std applied to images in [0, 1].
public struct Normalization: Codable, Equatable, Sendable {
    public var mean: [Float]
    public var std: [Float]
    public init(mean: [Float], std: [Float]) { self.mean = mean; self.std = std }
    /// MNIST (LeCun et al.): mean 0.1307, std 0.3081.
    public static let mnist = Normalization(mean: [0.1307], std: [0.3081])
    /// CIFAR-10, as the paper's code: mean 0.4914,0.4822,0.4465, std 0.2023,0.1994,0.2010.
    public static let cifar10 = Normalization(mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.2010])
    /// ImageNet (torchvision): mean 0.485,0.456,0.406, std 0.229,0.224,0.225.
    public static let imagenet = Normalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    /// (x - 0.5) / 0.5, the normalization of the EfficientNet-Lite TensorFlow checkpoints.
    public static let halfHalf = Normalization(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])

    /// Normalizes a [N, C, H, W] (or [C, H, W]) tensor of values in [0, 1].
    public func apply(_ x: Tensor) -> Tensor {
        let C = mean.count
        let shape = x.rank == 4 ? [1, C, 1, 1] : [C, 1, 1]
        return (x - Tensor(shape: shape, scalars: mean)) / Tensor(shape: shape, scalars: std)
    }

    /// Maps normalized values back to [0, 1] pixel space (no clamping).
    public func invert(_ x: Tensor) -> Tensor {
        let C = mean.count
        let shape = x.rank == 4 ? [1, C, 1, 1] : [C, 1, 1]
        return x * Tensor(shape: shape, scalars: std) + Tensor(shape: shape, scalars: mean)
    }
}

/// Images [N, C, H, W], normalized, with integer labels.
public struct Dataset {
    public var name: String
    public var images: Tensor
    public var labels: [Int]
    public var classes: Int
    public var normalization: Normalization

    public init(name: String, images: Tensor, labels: [Int], classes: Int, normalization: Normalization) {
        precondition(images.shape[0] == labels.count, "\(images.shape[0]) images, \(labels.count) labels")
        self.name = name; self.images = images; self.labels = labels; self.classes = classes; self.normalization = normalization
    }

    public var count: Int { labels.count }
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }

    /// Image i as [1, C, H, W].
    public func image(_ i: Int) -> Tensor { images.rows(i..<(i + 1)) }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        Dataset(name: name, images: images.gathered(rows: indices), labels: indices.map { labels[$0] }, classes: classes,
                normalization: normalization)
    }

    /// The same images expressed in another normalization: pixel = x * std + mean, then (pixel - mean') / std'.
    public func renormalized(to target: Normalization) -> Dataset {
        guard target != normalization else { return self }
        precondition(target.mean.count == normalization.mean.count, "normalizations differ in channels")
        let pixels = normalization.invert(images)
        return Dataset(name: name, images: target.apply(pixels), labels: labels, classes: classes, normalization: target)
    }

    /// `model`'s top-1 class for every image (eval mode, no tape, `batch` images at a time).
    public func predictions(of model: Module, batch: Int = 64) -> [Int] {
        withoutGradients {
            var out: [Int] = []
            var i = 0
            while i < count {
                let n = min(batch, count - i)
                out += model(images.rows(i..<(i + n))).argmax(axis: 1)
                i += n
            }
            return out
        }
    }

    /// The same images labeled with `model`'s top-1 predictions (for unlabeled photos).
    public func relabeled(by model: Module, classes: Int) -> Dataset {
        Dataset(name: name, images: images, labels: predictions(of: model, batch: 16), classes: classes, normalization: normalization)
    }

    /// Indices of the samples of class `c`.
    public func indices(ofClass c: Int) -> [Int] { labels.indices.filter { labels[$0] == c } }

    /// uint8 images [N, C, H, W] (or [N, H, W]) to normalized float tensors.
    static func fromBytes(_ raw: RawArray, labels: [Int], name: String, classes: Int, normalization: Normalization) -> Dataset {
        let shape = raw.shape.count == 3 ? [raw.shape[0], 1, raw.shape[1], raw.shape[2]] : raw.shape
        let t = Tensor(uninitialized: shape)
        let p = t.mutableData
        let C = shape[1], HW = shape[2] * shape[3]
        raw.bytes.withUnsafeBufferPointer { b in
            for n in 0..<shape[0] {
                for c in 0..<C {
                    let m = normalization.mean[c], s = normalization.std[c], off = (n * C + c) * HW
                    for i in 0..<HW { p[off + i] = (Float(b[off + i]) / 255 - m) / s }
                }
            }
        }
        return Dataset(name: name, images: t, labels: labels, classes: classes, normalization: normalization)
    }
}

/// A train/test pair of data sets.
public struct DataSplit {
    public var train: Dataset
    public var test: Dataset
}

/// Data sets by name: `mnist5k` (data/mnist_5k.csv.gz, the fixed stratified 400/100 per class split, seed 0;
/// a smaller file in the same format is split 4:1 per class),
/// `mnist5k:FILE`, `mnist-idx:DIR` (the four standard IDX files), `cifar10:DIR` (the binary batches),
/// `photos[:DIR]` (data/photos: `PhotoSet.dataset`, 8 views per photo, label = photo index, (x-0.5)/0.5; train = test).
/// `imagefolder:DIR` and `imagelist:FILE.csv` are `ImageFolder`s, preprocessed for a model, so not loaded here.
public enum DataSource {
    public static let names = ["mnist5k", "mnist5k:FILE", "mnist-idx:DIR", "cifar10:DIR", "photos[:DIR]", "imagefolder:DIR", "imagelist:FILE.csv"]

    public static func load(_ spec: String, dataRoot: String = "data") throws -> DataSplit {
        let (kind, arg) = spec.firstIndex(of: ":").map { (String(spec[..<$0]), String(spec[spec.index(after: $0)...])) } ?? (spec, "")
        switch kind {
        case "mnist5k":
            let path = arg.isEmpty ? dataRoot + "/mnist_5k.csv.gz" : arg
            guard FileManager.default.fileExists(atPath: path) else {
                throw FormatError(file: path, reason: "no such file (run scripts/setup.sh to fetch MNIST-5k)")
            }
            let (images, labels) = try MNIST5k.read(path)
            let all = Dataset.fromBytes(images, labels: labels, name: "mnist5k", classes: 10, normalization: .mnist)
            // 400 train / 100 test per class; a smaller file of the same format keeps the 4:1 ratio.
            let smallest = Dictionary(grouping: labels, by: { $0 }).values.map(\.count).min() ?? 0
            let (train, test) = MNIST5k.split(labels: labels, seed: 0, trainPerClass: min(400, smallest * 4 / 5))
            return DataSplit(train: all.subset(train), test: all.subset(test))
        case "mnist-idx":
            let d = try IDX.loadDirectory(arg)
            func labels(_ r: RawArray) -> [Int] { r.bytes.map(Int.init) }
            return DataSplit(train: Dataset.fromBytes(d.trainImages, labels: labels(d.trainLabels), name: "mnist", classes: 10, normalization: .mnist),
                             test: Dataset.fromBytes(d.testImages, labels: labels(d.testLabels), name: "mnist", classes: 10, normalization: .mnist))
        case "cifar10":
            let d = try CIFAR10.loadDirectory(arg)
            return DataSplit(train: Dataset.fromBytes(d.trainImages, labels: d.trainLabels, name: "cifar10", classes: 10, normalization: .cifar10),
                             test: Dataset.fromBytes(d.testImages, labels: d.testLabels, name: "cifar10", classes: 10, normalization: .cifar10))
        case "photos":
            let all = PhotoSet.dataset(try PhotoSet.load(dir: arg.isEmpty ? dataRoot + "/photos" : arg))
            return DataSplit(train: all, test: all)
        case "imagefolder", "imagelist":
            throw FormatError(file: spec, reason: "\(kind) is preprocessed for a model: use it with connectivity or barriers (see ImageFolder)")
        default:
            throw FormatError(file: spec, reason: "unknown data set; use one of \(names.joined(separator: ", "))")
        }
    }
}
