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

    static func run(_ args: inout Arguments) throws {
        let input = try args.required("--input"), out = try args.required("--out")
        let size = try args.int("--size")
        let resize = try args.optionalInt("--resize")
        let norm = try ImagePreprocessing.normalization(named: args.required("--normalization"), gray: args.flag("--gray"))
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
        let image = try DataSpec.decodeImage(input)
        let x = try ImagePreprocessing.modelInput(image, name: input, size: size, resize: resize, normalization: norm, cropBox: box, flip: flip,
                                                  filter: filter)
        do { try x.writeNpy(out) } catch { throw CLIError("cannot write \(out): \(error)") }
        print("wrote \(out): \(x.shape) (\(image.width)x\(image.height) \(image.channels == 1 ? "gray" : "RGB") \(input))")
    }
}
