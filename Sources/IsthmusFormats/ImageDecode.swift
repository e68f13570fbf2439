import CJPEG
import Foundation

/// An 8-bit image in HWC order: `pixels[(y * width + x) * channels + c]`.
public struct DecodedImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// 1 (gray) or 3 (RGB).
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The image shrunk by the smallest integer factor f that brings it to at most `maxPixels` pixels, each output
    /// pixel the rounded mean of an f x f block (edge blocks partial); the image itself if it is small enough.
    /// Bounds the float copy that preprocessing makes (4 bytes per sample) of a very large photo.
    public func downscaled(maxPixels: Int) -> DecodedImage {
        guard width * height > maxPixels, maxPixels > 0 else { return self }
        var f = max(2, Int((Double(width * height) / Double(maxPixels)).squareRoot().rounded(.up)))
        while ((width + f - 1) / f) * ((height + f - 1) / f) > maxPixels { f += 1 }
        let w = (width + f - 1) / f, h = (height + f - 1) / f, c = channels
        var sums = [UInt32](repeating: 0, count: w * h * c)
        var out = [UInt8](repeating: 0, count: w * h * c)
        let (width, height) = (self.width, self.height)
        pixels.withUnsafeBufferPointer { src in
            sums.withUnsafeMutableBufferPointer { acc in
                let (p, a) = (src.baseAddress!, acc.baseAddress!)
                for y in 0..<height {
                    let row = a + (y / f) * w * c, line = p + y * width * c
                    var x = 0
                    while x < width {
                        let n = min(f, width - x), o = row + (x / f) * c, i = line + x * c
                        for j in 0..<n { for k in 0..<c { o[k] &+= UInt32(i[j * c + k]) } }
                        x += n
                    }
                }
            }
        }
        sums.withUnsafeBufferPointer { acc in
            out.withUnsafeMutableBufferPointer { dst in
                for by in 0..<h {
                    let rows = UInt32(min(f, height - by * f))
                    for bx in 0..<w {
                        let n = rows * UInt32(min(f, width - bx * f))
                        for k in 0..<c { let o = (by * w + bx) * c + k; dst[o] = UInt8((acc[o] + n / 2) / n) }
                    }
                }
            }
        }
        return DecodedImage(width: w, height: h, channels: c, pixels: out)
    }
}

/// PNG (pure Swift with zlib) and JPEG (libjpeg) decoding. Alpha is dropped, palettes are expanded to RGB,
/// 16-bit samples keep their high byte, 1/2/4-bit gray is scaled to 0-255.
public enum ImageDecode {
    /// Decoded images larger than this many bytes are refused.
    public static let maxPixelBytes = 1 << 30
    /// Images with more pixels than this are refused before any pixel is decoded: Pillow's limit
    /// (2 x `Image.MAX_IMAGE_PIXELS` = 178,956,970, where Pillow raises `DecompressionBombError`).
    public static let maxPixels = 178_956_970

    static func checkPixelCount(_ width: Int, _ height: Int, _ format: String, _ label: String) throws {
        guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels, width <= 1 << 24, height <= 1 << 24 else {
            throw FormatError(file: label, reason: "\(format): \(width)x\(height) image has more than \(maxPixels) pixels "
                              + "(the decompression-bomb limit); shrink it first")
        }
    }

    /// Decodes a PNG or JPEG file, chosen by its magic bytes.
    public static func read(_ path: String) throws -> DecodedImage {
        try decode(bytes: readFile(path, limit: 1 << 30), label: path)
    }

    public static func decode(bytes: [UInt8], label: String = "<image>") throws -> DecodedImage {
        if bytes.starts(with: PNG.signature) { return try PNG.decode(bytes, label: label) }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return try decodeJPEG(bytes, label: label) }
        throw FormatError(file: label, reason: "not a PNG or JPEG file (unrecognised magic bytes)")
    }

    public static func decodeJPEG(_ bytes: [UInt8], label: String = "<jpeg>") throws -> DecodedImage {
        var w: Int32 = 0, h: Int32 = 0, c: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        func fail() -> FormatError { FormatError(file: label, reason: "JPEG: " + String(cString: message)) }
        guard isthmus_jpeg_decode(bytes, UInt(bytes.count), nil, 0, &w, &h, &c, &message, Int32(message.count)) == 0 else { throw fail() }
        let (width, height, channels) = (Int(w), Int(h), Int(c))
        try ImageDecode.checkPixelCount(width, height, "JPEG", label)
        guard width > 0, height > 0, let size = checkedCount([width, height, channels]), size <= maxPixelBytes else {
            throw FormatError(file: label, reason: "JPEG: \(width)x\(height) image is empty or too large")
        }
        // Every 8x8 block of every component costs at least one bit (its DC code), so a valid file has at most
        // 3 * 512 output bytes per input byte; a header claiming more must not allocate before the data fails.
        guard size <= max(1 << 20, bytes.count * 4096) else {
            throw FormatError(file: label, reason: "JPEG: \(width)x\(height) image cannot be coded in \(bytes.count) bytes (truncated or corrupt)")
        }
        var pixels = [UInt8](repeating: 0, count: size)
        let status = pixels.withUnsafeMutableBufferPointer {
            isthmus_jpeg_decode(bytes, UInt(bytes.count), $0.baseAddress, UInt(size), &w, &h, &c, &message, Int32(message.count))
        }
        guard status == 0 else { throw fail() }
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }
}

/// PNG decoding: all standard colour types and bit depths, the five filter types, Adam7 interlacing.
enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func decode(_ bytes: [UInt8], label: String) throws -> DecodedImage {
        func fail(_ why: String) -> FormatError { FormatError(file: label, reason: "PNG: \(why)") }
        let r = ByteReader(bytes: bytes, label: label)
        var pos = 8
        var header: (width: Int, height: Int, depth: Int, color: Int, interlaced: Bool)?
        var palette = [UInt8]()
        var idat = [UInt8]()
        var ended = false
        while !ended {
            let length = Int(try r.be(UInt32.self, pos, "chunk length"))
            guard length <= 0x7FFF_FFFF else { throw fail("chunk length \(length) too large") }
            let typeAndData = try r.slice(pos + 4, 4 + length, "chunk")
            let crc = try r.be(UInt32.self, pos + 8 + length, "chunk CRC")
            let computed = Zlib.crc32(typeAndData)
            let type = String(decoding: typeAndData.prefix(4), as: UTF8.self)
            guard crc == computed else { throw fail("CRC mismatch in \(type) chunk (corrupt file)") }
            let data = typeAndData.dropFirst(4)
            let d = data.startIndex
            if header == nil && type != "IHDR" { throw fail("first chunk is \(type), not IHDR") }
            switch type {
            case "IHDR":
                guard header == nil, length == 13 else { throw fail("bad IHDR chunk") }
                let w = Int(try r.be(UInt32.self, d, "width")), h = Int(try r.be(UInt32.self, d + 4, "height"))
                let depth = Int(bytes[d + 8]), color = Int(bytes[d + 9])
                let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
                guard allowed[color]?.contains(depth) == true else { throw fail("invalid colour type \(color) with bit depth \(depth)") }
                guard bytes[d + 10] == 0, bytes[d + 11] == 0, bytes[d + 12] <= 1 else { throw fail("unknown compression, filter or interlace method") }
                guard w > 0, h > 0 else { throw fail("bad dimensions \(w)x\(h)") }
                try ImageDecode.checkPixelCount(w, h, "PNG", label)
                header = (w, h, depth, color, bytes[d + 12] == 1)
            case "PLTE":
                guard length % 3 == 0, length <= 768 else { throw fail("bad PLTE chunk") }
                palette = Array(data)
            case "IDAT":
                guard idat.count + length <= ImageDecode.maxPixelBytes else { throw fail("too much image data") }
                idat += data
            case "IEND":
                ended = true
            default:
                guard (typeAndData.first ?? 0) & 0x20 != 0 else { throw fail("unknown critical chunk \(type)") }
            }
            pos += 12 + length
        }
        guard let hd = header else { throw fail("missing IHDR") }
        let samplesPerPixel = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][hd.color] ?? 1
        let outChannels = hd.color == 0 || hd.color == 4 ? 1 : 3
        guard let outSize = checkedCount([hd.width, hd.height, outChannels]), outSize <= ImageDecode.maxPixelBytes else {
            throw fail("\(hd.width)x\(hd.height) image is too large")
        }
        if hd.color == 3 && palette.isEmpty { throw fail("palette image without PLTE") }

        let bitsPerPixel = samplesPerPixel * hd.depth
        let bpp = max(1, bitsPerPixel / 8)
        let passes: [(x0: Int, y0: Int, dx: Int, dy: Int)] = hd.interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        let dims = passes.map { p in ((hd.width - p.x0 + p.dx - 1) / p.dx, (hd.height - p.y0 + p.dy - 1) / p.dy) }
        let expected = dims.reduce(0) { $0 + ($1.0 > 0 && $1.1 > 0 ? $1.1 * (1 + ($1.0 * bitsPerPixel + 7) / 8) : 0) }
        let raw = try Zlib.inflate(idat[...], windowBits: 15, limit: expected, expected: expected, label: label)
        guard raw.count == expected else { throw fail("image data has \(raw.count) bytes, expected \(expected)") }

        var out = [UInt8](repeating: 0, count: outSize)
        let maxSample = (1 << min(hd.depth, 8)) - 1
        var offset = 0
        for (p, (pw, ph)) in zip(passes, dims) where pw > 0 && ph > 0 {
            let rowBytes = (pw * bitsPerPixel + 7) / 8
            var prev = [UInt8](repeating: 0, count: rowBytes)
            var row = [UInt8](repeating: 0, count: rowBytes)
            for j in 0..<ph {
                let filter = raw[offset]
                let src = offset + 1
                for i in 0..<rowBytes {
                    let a = i >= bpp ? Int(row[i - bpp]) : 0, b = Int(prev[i]), c = i >= bpp ? Int(prev[i - bpp]) : 0
                    let pred: Int
                    switch filter {
                    case 0: pred = 0
                    case 1: pred = a
                    case 2: pred = b
                    case 3: pred = (a + b) / 2
                    case 4:
                        let e = a + b - c, pa = abs(e - a), pb = abs(e - b), pc = abs(e - c)
                        pred = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                    default: throw fail("unknown filter type \(filter) in row \(j)")
                    }
                    row[i] = raw[src + i] &+ UInt8(truncatingIfNeeded: pred)
                }
                offset += 1 + rowBytes
                let y = p.y0 + j * p.dy
                for i in 0..<pw {
                    let o = (y * hd.width + p.x0 + i * p.dx) * outChannels
                    func sample(_ s: Int) -> Int {
                        switch hd.depth {
                        case 8: return Int(row[i * samplesPerPixel + s])
                        case 16: return Int(row[(i * samplesPerPixel + s) * 2])
                        default:
                            let bit = i * hd.depth
                            return Int(row[bit / 8] >> (8 - hd.depth - bit % 8)) & maxSample
                        }
                    }
                    switch hd.color {
                    case 3:
                        let k = sample(0) * 3
                        guard k + 2 < palette.count else { throw fail("palette index \(k / 3) out of range") }
                        out[o] = palette[k]; out[o + 1] = palette[k + 1]; out[o + 2] = palette[k + 2]
                    case 0, 4:
                        out[o] = UInt8(hd.depth < 8 ? sample(0) * 255 / maxSample : sample(0))
                    default:
                        out[o] = UInt8(sample(0)); out[o + 1] = UInt8(sample(1)); out[o + 2] = UInt8(sample(2))
                    }
                }
                swap(&prev, &row)
            }
        }
        return DecodedImage(width: hd.width, height: hd.height, channels: outChannels, pixels: out)
    }
}
