import Foundation
import IsthmusCore
import IsthmusFormats
import IsthmusNN
import IsthmusRuns

struct PreprocessCommand: Command {
    static let name = "preprocess", summary = "an image (PNG/JPEG) as a normalized model input [1,C,S,S] (.npy)"
    static let usage = "usage: isthmus preprocess --input IMG --out X.npy [options]"
    static var options: OptionTable { OptionTable([
        .text("--input", "IMG", "PNG or JPEG"),
        .text("--out", "X.npy", "where to write the float32 input [1, C, S, S] (atomic write)"),
        .int("--size", "S", 224, 1...8192, "output side"),
        .int("--resize", "R", nil, 1...16384, "side the shorter edge is resized to before the center crop\n"
             + "(default round(S * 256 / 224): 256 for 224, as torchvision's ImageNet transform)"),
        .choice("--normalization", "N", ["imagenet", "half", "cifar", "mnist", "none"], "imagenet",
                "imagenet | half ((x-0.5)/0.5, EfficientNet-Lite) | cifar | mnist (1 channel) | none\n(default {})"),
        .flag("--gray", "1 channel (PIL convert(\"L\") luma); implied by mnist"),
        .text("--crop-box", "X,Y,W,H", "crop this window (source pixels) and resize it to exactly S x S instead of\n"
              + "resize + center crop (the recipe of the photos data set)"),
        .flag("--flip", "mirror horizontally (last)"),
        .choice("--filter", "F", ResizeFilter.allCases.map(\.rawValue), "bilinear", "bilinear | bicubic (default {}; the photos data set uses bicubic)"),
    ]) }
    static let notes = """
    without --crop-box: to [0,1], Resize(R) (antialiased), CenterCrop(S), Normalize, as torchvision's
    tensor transforms. Prints the output shape.
    """

    static func normalization(_ name: String, gray: Bool) throws -> Normalization {
        switch (name, gray) {
        case ("imagenet", false): return .imagenet
        case ("half", false): return .halfHalf
        case ("cifar", false): return .cifar10
        case ("mnist", _): return .mnist
        case ("none", false): return Normalization(mean: [0, 0, 0], std: [1, 1, 1])
        case ("none", true): return Normalization(mean: [0], std: [1])
        default: throw CLIError("--gray works with --normalization mnist or none, not \(name)")
        }
    }

    static func run(_ args: inout Arguments) throws {
        let input = try args.required("--input"), out = try args.required("--out")
        let size = try args.int("--size")
        let resize = try args.optionalInt("--resize")
        let norm = try normalization(args.required("--normalization"), gray: args.flag("--gray"))
        let box = try args.string("--crop-box").map { s -> [Int] in
            let v = s.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard v.count == 4, v[0] >= 0, v[1] >= 0, v[2] > 0, v[3] > 0 else {
                throw CLIError("--crop-box expects X,Y,W,H with X,Y >= 0 and W,H > 0, got '\(s)'")
            }
            return v
        }
        let flip = args.flag("--flip")
        let filter = ResizeFilter(rawValue: try args.required("--filter"))!
        try args.finish()
        if box != nil && resize != nil { throw CLIError("--resize applies to the center-crop recipe, not to --crop-box") }

        let image = try DataSpec.decodeImage(input)
        let x: Tensor
        if let box {
            let view = PhotoView(x: box[0], y: box[1], width: box[2], height: box[3], flip: flip)
            guard view.x + view.width <= image.width, view.y + view.height <= image.height else {
                throw CLIError("--crop-box \(box.map(String.init).joined(separator: ",")) leaves the \(image.width)x\(image.height) image")
            }
            x = PhotoSet.render(Photo(name: input, image: image), view, size: size, normalization: norm, filter: filter)
        } else {
            var t = ImagePreprocessing.imagenet(image, resize: resize ?? ImagePreprocessing.resizeSide(forCrop: size),
                                                cropHeight: size, cropWidth: size, normalization: norm, filter: filter)
            if flip { t = ImagePreprocessing.flipHorizontal(FloatImage(t)).tensor }
            x = t
        }
        do { try x.writeNpy(out) } catch { throw CLIError("cannot write \(out): \(error)") }
        print("wrote \(out): \(x.shape) (\(image.width)x\(image.height) \(image.channels == 1 ? "gray" : "RGB") \(input))")
    }
}
