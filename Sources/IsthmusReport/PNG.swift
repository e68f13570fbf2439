import Foundation
import CZlib

/// An 8-bit image in row-major HWC order with 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA) channels.
public struct PixelImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && (1...4).contains(channels), "bad image shape \(width)x\(height)x\(channels)")
        precondition(pixels.count == width * height * channels,
                     "image \(width)x\(height)x\(channels) needs \(width * height * channels) bytes, got \(pixels.count)")
        self.width = width; self.height = height; self.channels = channels; self.pixels = pixels
    }

    /// The same image with `channels` channels (gray is replicated, alpha added as opaque or dropped).
    public func converted(to channels: Int) -> PixelImage {
        if channels == self.channels { return self }
        var out = [UInt8](repeating: 255, count: width * height * channels)
        for p in 0..<(width * height) {
            let src = pixels[(p * self.channels)..<(p * self.channels + self.channels)]
            let s = Array(src)
            let color: [UInt8] = self.channels >= 3 ? Array(s[0..<3]) : [s[0], s[0], s[0]]
            let alpha: UInt8 = (self.channels == 2 || self.channels == 4) ? s[self.channels - 1] : 255
            let weighted: Int = Int(color[0]) * 299 + Int(color[1]) * 587 + Int(color[2]) * 114
            let gray = UInt8((weighted + 500) / 1000)
            let px: [UInt8]
            switch channels {
            case 1: px = [self.channels < 3 ? s[0] : gray]
            case 2: px = [self.channels < 3 ? s[0] : gray, alpha]
            case 3: px = color
            default: px = color + [alpha]
            }
            out.replaceSubrange((p * channels)..<(p * channels + channels), with: px)
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: out)
    }
}

/// Color maps from [0, 1] to RGB.
public enum Colormap: Sendable {
    /// Perceptually uniform dark-blue → green → yellow (matplotlib's viridis), for saliency and heat maps.
    case viridis
    /// Blue → white → red (ColorBrewer RdBu reversed), for signed differences centered on 0.5.
    case diverging
    /// Black → white.
    case gray

    private static let viridisStops: [UInt32] = [0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C,
                                                  0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725]
    private static let divergingStops: [UInt32] = [0x2166AC, 0x67A9CF, 0xF7F7F7, 0xEF8A62, 0xB2182B]

    /// The color at `t` (clamped to [0, 1]; NaN maps to 0).
    public func color(_ t: Double) -> (r: UInt8, g: UInt8, b: UInt8) {
        let t = t.isNaN ? 0 : min(max(t, 0), 1)
        let stops: [UInt32]
        switch self {
        case .gray: let v = UInt8((t * 255).rounded()); return (v, v, v)
        case .viridis: stops = Colormap.viridisStops
        case .diverging: stops = Colormap.divergingStops
        }
        let x = t * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2)
        let f = x - Double(i)
        func ch(_ c: UInt32, _ shift: UInt32) -> Double { Double((c >> shift) & 0xFF) }
        func mix(_ shift: UInt32) -> UInt8 { UInt8((ch(stops[i], shift) * (1 - f) + ch(stops[i + 1], shift) * f).rounded()) }
        return (mix(16), mix(8), mix(0))
    }
}

/// PNG encoding (zlib `compress2` level 6, filter type 0) and float-to-pixel helpers.
public enum PNG {
    /// How float values map to [0, 1] before quantization.
    public enum Range: Sendable {
        /// Clamp to [0, 1] (after undoing normalization, if given).
        case clamp01
        /// Scale the image's min..max to 0..1 (constant images become 0).
        case minMax
        /// Map -m..m to 0..1 with m = max |x|, so 0 is mid-gray; for difference maps.
        case symmetric
    }

    /// Encodes HWC pixels as a PNG file's bytes.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws -> [UInt8] {
        try encode(PixelImage(width: width, height: height, channels: channels, pixels: pixels))
    }

    public static func encode(_ image: PixelImage) throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else { throw ReportError("cannot encode an empty \(image.width)x\(image.height) PNG") }
        let rowBytes = image.width * image.channels
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * image.height)
        for y in 0..<image.height {
            raw.replaceSubrange((y * (rowBytes + 1) + 1)..<((y + 1) * (rowBytes + 1)),
                                with: image.pixels[(y * rowBytes)..<((y + 1) * rowBytes)])
        }
        var destLen = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(destLen))
        let status = compress2(&compressed, &destLen, raw, uLong(raw.count), 6)
        guard status == Z_OK else { throw ReportError("zlib compress2 failed with status \(status)") }
        compressed.removeSubrange(Int(destLen)...)

        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let colorType: UInt8 = [0, 4, 2, 6][image.channels - 1]
        var ihdr = be32(UInt32(image.width)) + be32(UInt32(image.height))
        ihdr += [8, colorType, 0, 0, 0]
        chunk("IHDR", ihdr, into: &out)
        chunk("IDAT", compressed, into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    /// Encodes and writes a PNG atomically.
    public static func write(_ image: PixelImage, to url: URL) throws {
        try atomicWrite(Data(encode(image)), to: url)
    }

    public static func write(to url: URL, width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try write(PixelImage(width: width, height: height, channels: channels, pixels: pixels), to: url)
    }

    private static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    private static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let body = Array(type.utf8) + data
        out += be32(UInt32(data.count)) + body
        out += be32(UInt32(crc32(0, body, uInt(body.count))))
    }

    private static func scale(_ v: [Float], _ range: Range) -> [Double] {
        let finite = v.filter { $0.isFinite }
        switch range {
        case .clamp01:
            return v.map { Double($0) }
        case .minMax:
            guard let lo = finite.min(), let hi = finite.max(), hi > lo else { return v.map { _ in 0 } }
            return v.map { (Double($0) - Double(lo)) / (Double(hi) - Double(lo)) }
        case .symmetric:
            let m = Double(finite.map { abs($0) }.max() ?? 0)
            return v.map { m > 0 ? (Double($0) / m + 1) / 2 : 0.5 }
        }
    }

    private static func byte(_ t: Double) -> UInt8 { t.isNaN ? 0 : UInt8((min(max(t, 0), 1) * 255).rounded()) }

    /// Turns a CHW float image (e.g. a network input) into HWC pixels. If `mean`/`std` are given
    /// (per channel), normalization is undone first (`x * std + mean`); `range` then maps to [0, 1].
    public static func pixels(fromCHW data: [Float], channels: Int, height: Int, width: Int,
                              mean: [Float]? = nil, std: [Float]? = nil, range: Range = .clamp01) -> PixelImage {
        precondition(data.count == channels * height * width, "CHW data has \(data.count) values, expected \(channels * height * width)")
        let plane = height * width
        var v = data
        if mean != nil || std != nil {
            for c in 0..<channels {
                let s = std.map { $0[c % $0.count] } ?? 1, m = mean.map { $0[c % $0.count] } ?? 0
                for i in 0..<plane { v[c * plane + i] = v[c * plane + i] * s + m }
            }
        }
        let t = scale(v, range)
        var out = [UInt8](repeating: 0, count: data.count)
        for c in 0..<channels { for i in 0..<plane { out[i * channels + c] = byte(t[c * plane + i]) } }
        return PixelImage(width: width, height: height, channels: channels, pixels: out)
    }

    /// Colors a single-channel map (row-major, `height` x `width`) with `colormap`, e.g. saliency
    /// with `.viridis` and `.minMax`, or signed differences with `.diverging` and `.symmetric`.
    public static func colorize(_ values: [Float], height: Int, width: Int,
                                colormap: Colormap = .viridis, range: Range = .minMax) -> PixelImage {
        precondition(values.count == height * width, "map has \(values.count) values, expected \(height * width)")
        var out = [UInt8]()
        out.reserveCapacity(values.count * 3)
        for t in scale(values, range) {
            let c = colormap.color(t)
            out += [c.r, c.g, c.b]
        }
        return PixelImage(width: width, height: height, channels: 3, pixels: out)
    }

    /// Enlarges by an integer factor with nearest-neighbour sampling (keeps pixels crisp).
    public static func upscale(_ image: PixelImage, factor: Int) -> PixelImage {
        precondition(factor >= 1, "upscale factor must be at least 1")
        let w = image.width * factor, h = image.height * factor, c = image.channels
        var out = [UInt8](repeating: 0, count: w * h * c)
        for y in 0..<h {
            let sy = y / factor
            for x in 0..<w {
                let s = (sy * image.width + x / factor) * c, d = (y * w + x) * c
                for k in 0..<c { out[d + k] = image.pixels[s + k] }
            }
        }
        return PixelImage(width: w, height: h, channels: c, pixels: out)
    }

    /// Tiles images row by row into `columns` columns with `padding` pixels between and around
    /// cells filled with `background`. Cells take the largest image size; channel counts are
    /// unified to the largest one.
    public static func grid(images: [PixelImage], columns: Int, padding: Int = 2, background: UInt8 = 255) -> PixelImage {
        precondition(columns >= 1, "grid needs at least one column")
        let cw = images.map(\.width).max() ?? 0, ch = images.map(\.height).max() ?? 0
        let c = images.map(\.channels).max() ?? 1
        let cols = max(1, min(columns, images.count)), rows = (images.count + columns - 1) / columns
        let w = cols * cw + (cols + 1) * padding, h = rows * ch + (rows + 1) * padding
        var out = [UInt8](repeating: background, count: w * h * c)
        for (n, img) in images.enumerated() {
            let im = img.converted(to: c)
            let ox = padding + (n % columns) * (cw + padding) + (cw - im.width) / 2
            let oy = padding + (n / columns) * (ch + padding) + (ch - im.height) / 2
            for y in 0..<im.height {
                let d = ((oy + y) * w + ox) * c, s = y * im.width * c
                out.replaceSubrange(d..<(d + im.width * c), with: im.pixels[s..<(s + im.width * c)])
            }
        }
        return PixelImage(width: w, height: h, channels: c, pixels: out)
    }
}
