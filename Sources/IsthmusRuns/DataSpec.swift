import Foundation
import IsthmusCore
import IsthmusFormats
import IsthmusNN
import IsthmusReport

/// Data specs as the commands take them: `mnist5k`, `mnist5k:FILE`, `cifar10:DIR`, `photos[:DIR]`,
/// `imagefolder:DIR`, `imagelist:FILE.csv` (`DataSource.names`), resolved against a model.
public enum DataSpec {
    /// `imagefolder:DIR` / `imagelist:FILE.csv` settings: the subfolder (`val` | `train`) and the decoded-image cache.
    public struct ImageSettings: Equatable, Sendable {
        public var split: String?
        public var cacheMB = ImageFolder.defaultCacheBytes >> 20
        /// Whether a setting was given (refused with other data sources).
        public var given = false
        public init(split: String? = nil, cacheMB: Int = ImageFolder.defaultCacheBytes >> 20, given: Bool = false) {
            self.split = split; self.cacheMB = cacheMB; self.given = given
        }
    }

    /// The content digest of the file or folder behind `spec` (part of the provenance hash).
    public static func digest(_ spec: String, dataRoot: String = "data") throws -> String {
        let (kind, arg) = spec.firstIndex(of: ":").map { (String(spec[..<$0]), String(spec[spec.index(after: $0)...])) } ?? (spec, "")
        let path = !arg.isEmpty ? arg : kind == "mnist5k" ? dataRoot + "/mnist_5k.csv.gz" : kind == "photos" ? dataRoot + "/photos" : ""
        guard !path.isEmpty else { throw RunError("data set '\(spec)' names no file or folder") }
        return try RunDirectory.contentDigest(path)
    }

    /// An input image for a model: a `.npy` of shape [C, H, W] or [1, C, H, W] (normalized), checked against the model,
    /// or a .png/.jpg/.jpeg preprocessed for it: `ImagePreprocessing.imagenet` with the model's channels (PIL luma for 1),
    /// center crop H x W after resizing the shorter side to round(max(H, W) * 256 / 224), and the model's normalization.
    /// Returns [1, C, H, W].
    public static func input(_ path: String, info: ModelInfo) throws -> Tensor {
        guard FileManager.default.fileExists(atPath: path) else { throw RunError("\(path): no such file") }
        if isImagePath(path) {
            return ImagePreprocessing.modelInput(try decodeImage(path), inputShape: info.inputShape, normalization: info.normalization)
        }
        let t = try Tensor.readNpy(path)
        let shape = t.shape.count == 4 && t.shape[0] == 1 ? Array(t.shape.dropFirst()) : t.shape
        guard shape == info.inputShape else {
            throw RunError("\(path): input shape \(t.shape) does not fit \(info.name), which takes \(info.inputShape)"
                           + ModelSpec.inputSizeHint(info, shape))
        }
        return t.reshaped([1] + shape)
    }

    /// Refuses data with a label the model has no class for (cross-entropy would trap on it).
    public static func checkLabels(_ data: some ImageSource, spec: String, info: ModelInfo) throws {
        if let bad = data.labels.firstIndex(where: { $0 < 0 || $0 >= info.classes }) {
            throw RunError("\(spec): image \(bad) has label \(data.labels[bad]), but \(info.name) has \(info.classes) classes (see --classes)")
        }
    }

    /// The test split of `spec` in memory for experiments on `model` (an image folder is decoded whole).
    public static func evaluationData(_ spec: String, model: Module, info: ModelInfo) throws -> Dataset {
        let data = try evaluationSource(spec, model: model, info: info).data
        if let folder = data as? ImageFolder { return try folder.dataset().data }
        return data as! Dataset
    }

    /// The evaluation data of `spec` for `model`: shapes and labels checked; the photos set (whose labels are photo
    /// indices) is brought into the model's normalization and relabeled with its top-1 classes, so that L_y is the loss
    /// of the class the model sees. For `imagefolder:DIR` / `imagelist:FILE.csv`: the `ImageFolder` itself, streamed
    /// (unreadable images are warned about and counted as they are met), the resolved spec (the folder `split` picked)
    /// and the listing digest.
    public static func evaluationSource(_ spec: String, model: Module, info: ModelInfo, images: ImageSettings = ImageSettings())
        throws -> (data: any ImageSource, spec: String, digest: String?) {
        if let colon = spec.firstIndex(of: ":"), ["imagefolder", "imagelist"].contains(String(spec[..<colon])) {
            let kind = String(spec[..<colon]), path = String(spec[spec.index(after: colon)...])
            guard !path.isEmpty else { throw RunError("\(kind): needs a \(kind == "imagefolder" ? "folder" : "CSV file"), as \(kind):PATH") }
            guard info.inputShape.count == 3 else { throw RunError("\(info.name) does not take images (input \(info.inputShape))") }
            let cache = images.cacheMB << 20
            let folder = kind == "imagefolder"
                ? try ImageFolder.folder(path, split: images.split, inputShape: info.inputShape, normalization: info.normalization, cacheBytes: cache)
                : try ImageFolder.list(path, inputShape: info.inputShape, normalization: info.normalization, cacheBytes: cache)
            try checkLabels(folder, spec: spec, info: info)
            let resolved = kind == "imagefolder" ? "imagefolder:" + ImageFolder.resolve(path, split: images.split) : spec
            return (folder, resolved, folder.listingDigest)
        }
        guard !images.given else { throw RunError("--split and --cache-mb go with --data imagefolder:DIR or imagelist:FILE.csv") }
        var test = try DataSource.load(spec).test
        guard test.imageShape == info.inputShape else {
            throw RunError("\(info.name) takes \(info.inputShape) inputs, \(spec) has \(test.imageShape)"
                           + ModelSpec.inputSizeHint(info, test.imageShape))
        }
        if spec == "photos" || spec.hasPrefix("photos:") {
            if test.normalization.mean.count == info.normalization.mean.count { test = test.renormalized(to: info.normalization) }
            test = test.relabeled(by: model, classes: info.classes)
        }
        try checkLabels(test, spec: spec, info: info)
        return (test, spec, nil)
    }

    /// Most pixels an image keeps before preprocessing converts it to floats (4096 x 4096); larger ones are first
    /// shrunk by an integer box filter (`DecodedImage.downscaled`), so the float copy stays under 200 MB.
    public static let maxFloatPixels = 1 << 24

    /// Decodes a PNG/JPEG with one-line errors (more than `ImageDecode.maxPixels` pixels are refused).
    public static func decodeImage(_ path: String) throws -> DecodedImage {
        guard FileManager.default.fileExists(atPath: path) else { throw RunError("\(path): no such file") }
        do { return try ImageDecode.read(path).downscaled(maxPixels: maxFloatPixels) } catch let e as FormatError {
            throw RunError("\(path): cannot decode image: \(e.reason)")
        } catch { throw RunError("\(path): cannot read image: \(error)") }
    }

    /// Whether a path names an image by its extension (.png, .jpg, .jpeg).
    public static func isImagePath(_ path: String) -> Bool { PhotoSet.extensions.contains((path as NSString).pathExtension.lowercased()) }

    /// `.npy` inputs [C,H,W] or [N,C,H,W] checked against the model; returns [N, C, H, W].
    public static func inputBatch(_ path: String, info: ModelInfo) throws -> Tensor {
        guard FileManager.default.fileExists(atPath: path) else { throw RunError("\(path): no such file") }
        let t = try Tensor.readNpy(path)
        let shape = t.rank == 3 ? [1] + t.shape : t.shape
        guard shape.count == 4, Array(shape.dropFirst()) == info.inputShape, shape[0] >= 1 else {
            throw RunError("\(path): shape \(t.shape) does not fit \(info.name), which takes [N, \(info.inputShape.map(String.init).joined(separator: ", "))]")
        }
        return t.reshaped(shape)
    }

    /// Images `indices` of the test split of `spec` ([1, C, H, W] each), photos in the model's normalization
    /// (their labels are not used).
    public static func testImages(_ spec: String, indices: [Int], info: ModelInfo) throws -> [Tensor] {
        var test = try DataSource.load(spec).test
        guard test.imageShape == info.inputShape else {
            throw RunError("\(info.name) takes \(info.inputShape) inputs, \(spec) has \(test.imageShape)"
                           + ModelSpec.inputSizeHint(info, test.imageShape))
        }
        if spec == "photos" || spec.hasPrefix("photos:") { test = test.renormalized(to: info.normalization) }
        for i in indices where i >= test.count {
            throw RunError("index \(i) out of range: the test split of \(spec) has \(test.count) images")
        }
        return indices.map { test.image($0) }
    }

    /// The train/test split of `spec` with the model for it (with `classesFromData`, classes taken from the data when
    /// `model` leaves them open); input shape and labels of both halves checked. Returns the resolved model spec too.
    public static func split(_ spec: String, for model: ModelSpec, classesFromData: Bool = false) throws
        -> (split: DataSplit, model: ModelSpec, net: Module, info: ModelInfo) {
        let split = try DataSource.load(spec)
        var m = model
        if classesFromData && m.options.classes == nil && m.onnx == nil { m.options.classes = split.train.classes }
        let (net, info) = try m.load()
        guard info.inputShape == split.train.imageShape else {
            throw RunError("\(info.name) takes \(info.inputShape) inputs, \(spec) has \(split.train.imageShape)"
                           + ModelSpec.inputSizeHint(info, split.train.imageShape))
        }
        for d in [split.train, split.test] { try checkLabels(d, spec: spec, info: info) }
        return (split, m, net, info)
    }
}
