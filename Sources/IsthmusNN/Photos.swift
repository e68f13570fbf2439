import Foundation
import IsthmusCore
import IsthmusFormats

/// A decoded photo and its file name (without the folder).
public struct Photo: Sendable {
    public var name: String
    public var image: DecodedImage
    public init(name: String, image: DecodedImage) { self.name = name; self.image = image }
}

/// A view of a photo: the crop window [x, x+width) x [y, y+height) in source pixels, then an optional horizontal flip.
public struct PhotoView: Codable, Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public var flip: Bool
    public init(x: Int, y: Int, width: Int, height: Int, flip: Bool = false) {
        self.x = x; self.y = y; self.width = width; self.height = height; self.flip = flip
    }
}

/// Within-class pairs from real photos (the scikit-image photos, in data/photos): every view of one
/// photo is a different input of the same content. A view is a crop (x, y, w, h) of the photo resized to exactly
/// size x size (aspect ratio not kept), optionally flipped, then normalized (default (x - 0.5) / 0.5,
/// EfficientNet-Lite0). The default filter is bicubic, PIL's `Image.resize` default, the recipe closest to the PyTorch reference runs'
/// coffee pair gap of 2.2. Measured in PyTorch on EfficientNet-Lite0, class 967: PIL bicubic 2.26 (250 points);
/// this pair (within one gray level of PIL) 2.47 (250 points); torchvision bilinear 2.97 and Resize(224) +
/// CenterCrop(224) 4.62 (1000 points). The barrier gap is sensitive to resampling details.
public enum PhotoSet {
    public static let defaultDirectory = "data/photos"
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Every PNG/JPEG in `dir`, sorted by file name (the photo index is the position in that order; for the
    /// scikit-image set: 0 astronaut, 1 brick, 2 chelsea, 3 coffee, 4 grass, 5 gravel, 6 horse,
    /// 7 motorcycle_left, 8 motorcycle_right, 9 rocket).
    public static func load(dir: String = defaultDirectory) throws -> [Photo] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir) } catch {
            throw FormatError(file: dir, reason: "cannot list the photo folder (run scripts/setup.sh to fetch the photos)")
        }
        let files = names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !files.isEmpty else { throw FormatError(file: dir, reason: "no .png/.jpg/.jpeg photos in this folder") }
        return try files.map { Photo(name: $0, image: try ImageDecode.read(dir + "/" + $0)) }
    }

    /// The reference crop pair: two crops of `fraction` of each side, one at the top-left corner and one offset by `offset`
    /// of each side: w = round(fraction W), dx = round(offset W) (likewise for h, dy), clamped to the image.
    public static func cropPairViews(width: Int, height: Int, fraction: Double = 0.85,
                                     offset: Double = 0.15) -> (PhotoView, PhotoView) {
        let w = max(1, min(width, Int((fraction * Double(width)).rounded())))
        let h = max(1, min(height, Int((fraction * Double(height)).rounded())))
        let dx = min(width - w, Int((offset * Double(width)).rounded()))
        let dy = min(height - h, Int((offset * Double(height)).rounded()))
        return (PhotoView(x: 0, y: 0, width: w, height: h), PhotoView(x: dx, y: dy, width: w, height: h))
    }

    /// `count` seeded random views: scale s uniform in `scales` (fraction of each side), w = round(s W),
    /// h = round(s H), position uniform over the valid offsets, flip with probability 1/2.
    public static func randomViews(width: Int, height: Int, count: Int, seed: UInt64,
                                   scales: ClosedRange<Double> = 0.7...0.9) -> [PhotoView] {
        var rng = SplitMix64(seed: seed)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        return (0..<count).map { _ in
            let s = scales.lowerBound + (scales.upperBound - scales.lowerBound) * Double(rng.next() >> 11) / 9_007_199_254_740_992
            let w = max(1, min(width, Int((s * Double(width)).rounded())))
            let h = max(1, min(height, Int((s * Double(height)).rounded())))
            let x = below(width - w + 1), y = below(height - h + 1)
            return PhotoView(x: x, y: y, width: w, height: h, flip: below(2) == 1)
        }
    }

    /// The view as a [1, C, size, size] normalized input: to [0, 1], crop, resize to size x size (clipped to [0, 1]
    /// after each pass, as PIL), flip, normalize.
    /// The photo is converted to the normalization's channel count first (PIL luma for 1 channel).
    public static func render(_ photo: Photo, _ view: PhotoView, size: Int = 224,
                              normalization: Normalization = .halfHalf, filter: ResizeFilter = .bicubic) -> Tensor {
        let x = FloatImage(ImagePreprocessing.converted(photo.image, channels: normalization.mean.count))
        let cropped = ImagePreprocessing.crop(x, x: view.x, y: view.y, width: view.width, height: view.height)
        var resized = ImagePreprocessing.resize(cropped, height: size, width: size, filter: filter, clamp: 0...1)
        if view.flip { resized = ImagePreprocessing.flipHorizontal(resized) }
        return ImagePreprocessing.normalized(resized, normalization)
    }

    /// The reference crop pair of `photo` (see `cropPairViews`), each [1, C, size, size].
    public static func cropPair(_ photo: Photo, size: Int = 224, normalization: Normalization = .halfHalf,
                                filter: ResizeFilter = .bicubic, fraction: Double = 0.85, offset: Double = 0.15) -> (Tensor, Tensor) {
        let (a, b) = cropPairViews(width: photo.image.width, height: photo.image.height, fraction: fraction, offset: offset)
        return (render(photo, a, size: size, normalization: normalization, filter: filter),
                render(photo, b, size: size, normalization: normalization, filter: filter))
    }

    /// The views of one photo used by `dataset`: the reference crop pair first, then `count - 2` random views
    /// (`randomViews` with `seed`). `count` >= 2.
    public static func plannedViews(of photo: Photo, count: Int, seed: UInt64) -> [PhotoView] {
        precondition(count >= 2, "a photo needs at least its crop pair (2 views), got \(count)")
        let (a, b) = cropPairViews(width: photo.image.width, height: photo.image.height)
        return [a, b] + randomViews(width: photo.image.width, height: photo.image.height, count: count - 2, seed: seed)
    }

    /// `plannedViews(of:count:seed:)` rendered, each [1, C, size, size].
    public static func views(of photo: Photo, count: Int, size: Int = 224, normalization: Normalization = .halfHalf,
                             filter: ResizeFilter = .bicubic, seed: UInt64) -> [Tensor] {
        plannedViews(of: photo, count: count, seed: seed).map {
            render(photo, $0, size: size, normalization: normalization, filter: filter)
        }
    }

    /// All photos' views as one data set: photo p's views are samples p*K ..< (p+1)*K (K = `viewsPerPhoto`), the
    /// first two being its reference crop pair; the label is the photo index (relabel by a model's top-1 class for
    /// the class y of L_y). Photo p uses seed `seed &+ p`.
    public static func dataset(_ photos: [Photo], viewsPerPhoto: Int = 8, size: Int = 224,
                               normalization: Normalization = .halfHalf, filter: ResizeFilter = .bicubic,
                               seed: UInt64 = 0) -> Dataset {
        let C = normalization.mean.count
        let images = Tensor(uninitialized: [photos.count * viewsPerPhoto, C, size, size])
        let per = C * size * size
        var labels = [Int]()
        for (p, photo) in photos.enumerated() {
            for (k, v) in views(of: photo, count: viewsPerPhoto, size: size, normalization: normalization,
                                filter: filter, seed: seed &+ UInt64(p)).enumerated() {
                (images.mutableData + (p * viewsPerPhoto + k) * per).update(from: v.data, count: per)
                labels.append(p)
            }
        }
        return Dataset(name: "photos", images: images, labels: labels, classes: photos.count, normalization: normalization)
    }
}
