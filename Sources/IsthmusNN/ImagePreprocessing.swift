import Foundation
import IsthmusCore
import IsthmusFormats

/// A float image in CHW order: `data[(c * height + y) * width + x]`.
public struct FloatImage: Equatable, Sendable {
    public var channels: Int
    public var height: Int
    public var width: Int
    public var data: [Float]

    public init(channels: Int, height: Int, width: Int, data: [Float]) {
        precondition(data.count == channels * height * width, "\(data.count) values for \(channels)x\(height)x\(width)")
        self.channels = channels; self.height = height; self.width = width; self.data = data
    }

    /// HWC bytes to CHW floats, each multiplied by `scale` (1/255 gives [0, 1], as torchvision's `to_tensor`).
    public init(_ image: DecodedImage, scale: Float = 1.0 / 255) {
        let (C, H, W) = (image.channels, image.height, image.width)
        var out = [Float](repeating: 0, count: C * H * W)
        image.pixels.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<(H * W) {
                    for c in 0..<C { o[c * H * W + i] = Float(p[i * C + c]) * scale }
                }
            }
        }
        self.init(channels: C, height: H, width: W, data: out)
    }

    /// From a [C, H, W] or [1, C, H, W] tensor.
    public init(_ t: Tensor) {
        let s = Array(t.shape.suffix(3))
        precondition(t.count == s.reduce(1, *), "FloatImage needs [C,H,W] or [1,C,H,W], got \(t.shape)")
        self.init(channels: s[0], height: s[1], width: s[2], data: t.scalars)
    }

    /// [1, C, H, W].
    public var tensor: Tensor { Tensor(shape: [1, channels, height, width], scalars: data) }
}

/// The separable resampling kernel of `ImagePreprocessing.resize`.
public enum ResizeFilter: String, Codable, Sendable, CaseIterable {
    /// Triangle, support 1: tri(t) = max(0, 1 - |t|) (torchvision's default, `InterpolationMode.BILINEAR`).
    case bilinear
    /// Keys cubic with a = -0.5, support 2 (PIL's `Image.resize` default, `InterpolationMode.BICUBIC`).
    case bicubic

    var support: Float { self == .bilinear ? 1 : 2 }

    @inline(__always) func weight(_ x: Float) -> Float {
        let t = abs(x)
        switch self {
        case .bilinear: return t < 1 ? 1 - t : 0
        case .bicubic:
            let a: Float = -0.5
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        }
    }
}

/// Image preprocessing that matches torchvision on float tensors: `F.resize(x, size, antialias=True)` (bilinear),
/// `F.center_crop`, `F.crop`, `F.hflip`, `F.normalize`.
public enum ImagePreprocessing {
    /// Per-output-pixel taps of a 1-D antialiased resampling, as PyTorch's `_upsample_bilinear2d_aa` /
    /// `_upsample_bicubic2d_aa` (aten UpSampleKernel.cpp, `_compute_weights_aa`, itself PIL's `ImagingResample`).
    /// With scale = in/out, support = filter support * max(scale, 1), center = scale (i + 0.5):
    /// xmin = max(trunc(center - support + 0.5), 0), xmax = min(trunc(center + support + 0.5), in),
    /// w_j = k((j + xmin - center + 0.5) / max(scale, 1)), normalized to sum 1.
    /// Computed in Float, as PyTorch does for float32 input.
    struct Taps {
        var start: [Int]
        var count: [Int]
        /// `weights[i * width + j]`, zero-padded.
        var weights: [Float]
        var width: Int

        init(input: Int, output: Int, filter: ResizeFilter) {
            let scale = Float(input) / Float(output)
            let support: Float = filter.support * (scale >= 1 ? scale : 1)
            let invscale: Float = scale >= 1 ? 1 / scale : 1
            width = Int(support.rounded(.up)) * 2 + 1
            start = []; count = []
            weights = [Float](repeating: 0, count: output * width)
            for i in 0..<output {
                let center = scale * (Float(i) + 0.5)
                let xmin = max(Int(center - support + 0.5), 0)
                let xsize = min(Int(center + support + 0.5), input) - xmin
                var total: Float = 0
                for j in 0..<xsize {
                    let w = filter.weight((Float(j + xmin) - center + 0.5) * invscale)
                    weights[i * width + j] = w
                    total += w
                }
                if total != 0 { for j in 0..<xsize { weights[i * width + j] /= total } }
                start.append(xmin); count.append(xsize)
            }
        }
    }

    /// Resize with antialiasing to exactly `height` x `width`, as torch's
    /// `interpolate(mode="bilinear"|"bicubic", antialias=True, align_corners=False)`: horizontal pass first, then
    /// vertical; an axis whose size does not change is copied. Bicubic may overshoot the input range: `clamp`
    /// clips after each pass, as PIL does on 8-bit images (torch does not clip float tensors).
    public static func resize(_ image: FloatImage, height: Int, width: Int, filter: ResizeFilter = .bilinear,
                              clamp: ClosedRange<Float>? = nil) -> FloatImage {
        func clipped(_ v: [Float]) -> [Float] { clamp.map { r in v.map { min(max($0, r.lowerBound), r.upperBound) } } ?? v }
        precondition(height > 0 && width > 0, "resize to \(height)x\(width)")
        let (C, H, W) = (image.channels, image.height, image.width)
        var current = image.data
        if width != W {
            let taps = Taps(input: W, output: width, filter: filter)
            var out = [Float](repeating: 0, count: C * H * width)
            current.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    taps.weights.withUnsafeBufferPointer { w in
                        for row in 0..<(C * H) {
                            let s = src.baseAddress! + row * W, d = dst.baseAddress! + row * width
                            for x in 0..<width {
                                let x0 = taps.start[x], wp = w.baseAddress! + x * taps.width
                                var acc: Float = 0
                                for j in 0..<taps.count[x] { acc += s[x0 + j] * wp[j] }
                                d[x] = acc
                            }
                        }
                    }
                }
            }
            current = clipped(out)
        }
        if height != H {
            let taps = Taps(input: H, output: height, filter: filter)
            var out = [Float](repeating: 0, count: C * height * width)
            current.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    taps.weights.withUnsafeBufferPointer { w in
                        for c in 0..<C {
                            let s = src.baseAddress! + c * H * width, d = dst.baseAddress! + c * height * width
                            for y in 0..<height {
                                let y0 = taps.start[y], wp = w.baseAddress! + y * taps.width
                                let o = d + y * width
                                for x in 0..<width { o[x] = 0 }
                                for j in 0..<taps.count[y] {
                                    let r = s + (y0 + j) * width, wj = wp[j]
                                    for x in 0..<width { o[x] += r[x] * wj }
                                }
                            }
                        }
                    }
                }
            }
            current = clipped(out)
        }
        return FloatImage(channels: C, height: height, width: width, data: current)
    }

    /// The size torchvision's `Resize(shorter)` gives: the shorter side becomes `shorter`, the longer one
    /// int(shorter * long / short) (truncated), as `_compute_resized_output_size`.
    public static func shorterSideSize(height: Int, width: Int, shorter: Int) -> (height: Int, width: Int) {
        let (short, long) = height <= width ? (height, width) : (width, height)
        let newLong = Int(Double(shorter) * Double(long) / Double(short))
        return height <= width ? (shorter, newLong) : (newLong, shorter)
    }

    /// torchvision `F.resize(x, shorter, antialias=True)`: the shorter side to `shorter`, aspect kept.
    public static func resize(_ image: FloatImage, shorter: Int, filter: ResizeFilter = .bilinear) -> FloatImage {
        let s = shorterSideSize(height: image.height, width: image.width, shorter: shorter)
        return resize(image, height: s.height, width: s.width, filter: filter)
    }

    /// The window (x, y) of `F.center_crop`: top = int(round((H - h) / 2)) with Python's half-to-even rounding
    /// (so an odd margin of 33 gives 16 and 35 gives 18); a crop larger than the image starts at -floor((h - H) / 2).
    public static func centerCropOrigin(height: Int, width: Int, cropHeight: Int, cropWidth: Int) -> (x: Int, y: Int) {
        func origin(_ size: Int, _ crop: Int) -> Int {
            crop > size ? -((crop - size) / 2) : Int((Double(size - crop) / 2).rounded(.toNearestOrEven))
        }
        return (origin(width, cropWidth), origin(height, cropHeight))
    }

    /// torchvision `F.center_crop(x, [cropHeight, cropWidth])`, zero padding where the crop exceeds the image.
    public static func centerCrop(_ image: FloatImage, height cropHeight: Int, width cropWidth: Int) -> FloatImage {
        let o = centerCropOrigin(height: image.height, width: image.width, cropHeight: cropHeight, cropWidth: cropWidth)
        return crop(image, x: o.x, y: o.y, width: cropWidth, height: cropHeight)
    }

    public static func centerCrop(_ image: FloatImage, size: Int) -> FloatImage { centerCrop(image, height: size, width: size) }

    /// torchvision `F.crop(x, top: y, left: x, height, width)`: the window [y, y+height) x [x, x+width);
    /// pixels outside the image are 0.
    public static func crop(_ image: FloatImage, x: Int, y: Int, width: Int, height: Int) -> FloatImage {
        precondition(width > 0 && height > 0, "crop of \(width)x\(height)")
        let (C, H, W) = (image.channels, image.height, image.width)
        var out = [Float](repeating: 0, count: C * height * width)
        let x0 = max(x, 0), x1 = min(x + width, W)
        guard x0 < x1 else { return FloatImage(channels: C, height: height, width: width, data: out) }
        for c in 0..<C {
            for r in max(y, 0)..<max(min(y + height, H), max(y, 0)) {
                let s = (c * H + r) * W, d = (c * height + r - y) * width - x
                for col in x0..<x1 { out[d + col] = image.data[s + col] }
            }
        }
        return FloatImage(channels: C, height: height, width: width, data: out)
    }

    /// torchvision `F.hflip`: x -> W - 1 - x.
    public static func flipHorizontal(_ image: FloatImage) -> FloatImage {
        var out = image
        let W = image.width
        for row in 0..<(image.channels * image.height) {
            for x in 0..<W { out.data[row * W + x] = image.data[row * W + W - 1 - x] }
        }
        return out
    }

    /// PIL's `convert("L")` (ITU-R 601-2 luma, integer arithmetic as Pillow's `rgb2l`):
    /// L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16. Gray images are returned unchanged.
    public static func grayscale(_ image: DecodedImage) -> DecodedImage {
        guard image.channels == 3 else { return image }
        var out = [UInt8](repeating: 0, count: image.width * image.height)
        let p = image.pixels
        for i in out.indices {
            let v = 19595 * Int(p[3 * i]) + 38470 * Int(p[3 * i + 1]) + 7471 * Int(p[3 * i + 2]) + 0x8000
            out[i] = UInt8(v >> 16)
        }
        return DecodedImage(width: image.width, height: image.height, channels: 1, pixels: out)
    }

    /// PIL's `convert("RGB")` of a gray image: the value repeated in the three channels.
    public static func rgb(_ image: DecodedImage) -> DecodedImage {
        guard image.channels == 1 else { return image }
        return DecodedImage(width: image.width, height: image.height, channels: 3, pixels: image.pixels.flatMap { [$0, $0, $0] })
    }

    /// Converts to `channels` (1: PIL luma, 3: gray repeated).
    public static func converted(_ image: DecodedImage, channels: Int) -> DecodedImage {
        precondition(channels == 1 || channels == 3, "images have 1 or 3 channels, not \(channels)")
        return channels == 1 ? grayscale(image) : rgb(image)
    }

    /// (x - mean_c) / std_c per channel, as `F.normalize`; [1, C, H, W].
    public static func normalized(_ image: FloatImage, _ normalization: Normalization) -> Tensor {
        precondition(normalization.mean.count == image.channels,
                     "normalization for \(normalization.mean.count) channels, image has \(image.channels)")
        let t = Tensor(uninitialized: [1, image.channels, image.height, image.width])
        let p = t.mutableData, HW = image.height * image.width
        for c in 0..<image.channels {
            let m = normalization.mean[c], s = normalization.std[c]
            for i in 0..<HW { p[c * HW + i] = (image.data[c * HW + i] - m) / s }
        }
        return t
    }

    /// The standard ImageNet evaluation transform on the tensor path: to [0, 1] (/255), `Resize(resize)` of the
    /// shorter side (bilinear, antialiased), `CenterCrop(crop)`, `Normalize`. The image is first converted to the
    /// normalization's channel count (PIL luma for 1). Returns [1, C, crop, crop].
    public static func imagenet(_ image: DecodedImage, resize: Int = 256, crop: Int = 224,
                                normalization: Normalization = .imagenet) -> Tensor {
        imagenet(image, resize: resize, cropHeight: crop, cropWidth: crop, normalization: normalization)
    }

    /// `imagenet(_:resize:crop:normalization:)` with a cropHeight x cropWidth center crop and a choice of filter.
    public static func imagenet(_ image: DecodedImage, resize: Int, cropHeight: Int, cropWidth: Int,
                                normalization: Normalization, filter: ResizeFilter = .bilinear) -> Tensor {
        let x = FloatImage(converted(image, channels: normalization.mean.count))
        return normalized(centerCrop(self.resize(x, shorter: resize, filter: filter), height: cropHeight, width: cropWidth),
                          normalization)
    }

    /// The resize side that goes with a crop side in the ImageNet recipe: round(crop * 256 / 224) (256 for 224).
    public static func resizeSide(forCrop crop: Int) -> Int { Int((Double(crop) * 256 / 224).rounded()) }

    /// Decodes a PNG or JPEG and applies `imagenet(_:resize:crop:normalization:)` with crop = `size` and
    /// resize = `resize` or `resizeSide(forCrop: size)`. [1, C, size, size].
    public static func load(_ path: String, size: Int = 224, resize: Int? = nil,
                            normalization: Normalization = .imagenet) throws -> Tensor {
        imagenet(try ImageDecode.read(path), resize: resize ?? resizeSide(forCrop: size), crop: size, normalization: normalization)
    }
}
