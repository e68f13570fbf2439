import Foundation
import IsthmusCore
import IsthmusFormats

/// A preprocessing request that does not fit the image (a crop box outside it, an option that does not combine).
public struct PreprocessingError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}

extension ImagePreprocessing {
    /// The normalization named `imagenet | half ((x-0.5)/0.5) | cifar | mnist | none`, with one channel for `gray`
    /// (only mnist and none have a one-channel form).
    public static func normalization(named name: String, gray: Bool) throws -> Normalization {
        switch (name, gray) {
        case ("imagenet", false): return .imagenet
        case ("half", false): return .halfHalf
        case ("cifar", false): return .cifar10
        case ("mnist", _): return .mnist
        case ("none", false): return Normalization(mean: [0, 0, 0], std: [1, 1, 1])
        case ("none", true): return Normalization(mean: [0], std: [1])
        default: throw PreprocessingError("--gray works with --normalization mnist or none, not \(name)")
        }
    }

    /// `image` as a normalized [1, C, size, size] model input. Without `cropBox` (x, y, w, h in source pixels): to [0, 1],
    /// Resize(`resize`, default round(size * 256 / 224), antialiased), CenterCrop(size), Normalize, as torchvision's tensor
    /// transforms; with it, that window resized to exactly size x size (the photos data set's recipe). `flip` mirrors last.
    public static func modelInput(_ image: DecodedImage, name: String, size: Int, resize: Int?, normalization: Normalization,
                                  cropBox: [Int]?, flip: Bool, filter: ResizeFilter) throws -> Tensor {
        if let box = cropBox {
            if resize != nil { throw PreprocessingError("--resize applies to the center-crop recipe, not to --crop-box") }
            let view = PhotoView(x: box[0], y: box[1], width: box[2], height: box[3], flip: flip)
            guard view.x + view.width <= image.width, view.y + view.height <= image.height else {
                throw PreprocessingError("--crop-box \(box.map(String.init).joined(separator: ",")) leaves the \(image.width)x\(image.height) image")
            }
            return PhotoSet.render(Photo(name: name, image: image), view, size: size, normalization: normalization, filter: filter)
        }
        let t = imagenet(image, resize: resize ?? resizeSide(forCrop: size), cropHeight: size, cropWidth: size, normalization: normalization,
                         filter: filter)
        return flip ? flipHorizontal(FloatImage(t)).tensor : t
    }
}
