import Foundation
import XCTest
import IsthmusTestSupport
@testable import IsthmusCore
@testable import IsthmusFormats
@testable import IsthmusNN

/// ImagePreprocessing against torchvision's float tensor path and Pillow (scripts/golden/make_image_fixtures.py,
/// Fixtures/images.json).
final class ImagePreprocessingTests: XCTestCase {
    static let fixtures: [String: Any] = {
        let url = Bundle.module.url(forResource: "images", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    static func bytes(_ s: Any?) -> [UInt8] { [UInt8](Data(base64Encoded: s as! String)!) }

    static func floats(_ s: Any?) -> [Float] {
        bytes(s).withUnsafeBytes { raw in (0..<(raw.count / 4)).map { Float(bitPattern: raw.load(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) } }
    }

    /// Max |Swift - torchvision| over the cases, on [0, 1] floats (normalized values for `imagenet`).
    /// Measured (torch 2.15, torchvision 0.29): at most 1.8e-7 on [0, 1] values (about one float32 ulp) and 6.0e-7
    /// after ImageNet normalization; a float64 evaluation differs from torchvision's float32 one by up to 5.9e-6.
    func testResizeAndCropMatchTorchvision() {
        var worst: Float = 0
        for c in Self.fixtures["cases"] as! [[String: Any]] {
            let name = c["name"] as! String
            let img = DecodedImage(width: c["width"] as! Int, height: c["height"] as! Int, channels: c["channels"] as! Int,
                                   pixels: Self.bytes(c["pixels"]))
            let size = c["size"] as! [Int], crop = c["crop"] as? [Int]
            let x = FloatImage(img)
            let got: [Float]
            switch c["op"] as! String {
            case "resize":
                got = (size.count == 1 ? ImagePreprocessing.resize(x, shorter: size[0])
                                       : ImagePreprocessing.resize(x, height: size[0], width: size[1])).data
            case "resize_crop", "resize_bicubic":
                let f: ResizeFilter = c["op"] as! String == "resize_bicubic" ? .bicubic : .bilinear
                let r = size.count == 1 ? ImagePreprocessing.resize(x, shorter: size[0], filter: f)
                                        : ImagePreprocessing.resize(x, height: size[0], width: size[1], filter: f)
                got = crop.map { ImagePreprocessing.centerCrop(r, height: $0[0], width: $0[1]).data } ?? r.data
            default:
                let norm = Normalization(mean: (c["mean"] as! [Double]).map(Float.init), std: (c["std"] as! [Double]).map(Float.init))
                got = ImagePreprocessing.imagenet(img, resize: size[0], crop: crop![0], normalization: norm).scalars
            }
            let want = Self.floats(c["expected"])
            XCTAssertEqual(got.count, want.count, name)
            let diff = zip(got, want).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThan(diff, 2e-6, name)
            print("ImagePreprocessing vs torchvision, \(name): max abs diff \(diff)")
            worst = max(worst, diff)
        }
        XCTAssertLessThan(worst, 2e-6)
    }

    func testCenterCropOriginsMatchTorchvision() {
        for c in Self.fixtures["centerCrops"] as! [[String: Int]] {
            let o = ImagePreprocessing.centerCropOrigin(height: c["height"]!, width: c["width"]!,
                                                        cropHeight: c["cropHeight"]!, cropWidth: c["cropWidth"]!)
            XCTAssertEqual(o.y, c["top"]!, "\(c)")
            XCTAssertEqual(o.x, c["left"]!, "\(c)")
        }
        // Python's round() is half-to-even: margins 33 -> 16, 35 -> 18, 1 -> 0.
        XCTAssertEqual(ImagePreprocessing.centerCropOrigin(height: 257, width: 259, cropHeight: 224, cropWidth: 224).y, 16)
        XCTAssertEqual(ImagePreprocessing.centerCropOrigin(height: 257, width: 259, cropHeight: 224, cropWidth: 224).x, 18)
        XCTAssertEqual(ImagePreprocessing.centerCropOrigin(height: 225, width: 225, cropHeight: 224, cropWidth: 224).y, 0)
    }

    func testShorterSideSizeTruncatesLikeTorchvision() {
        XCTAssertTrue(ImagePreprocessing.shorterSideSize(height: 400, width: 600, shorter: 256) == (256, 384))
        XCTAssertTrue(ImagePreprocessing.shorterSideSize(height: 37, width: 53, shorter: 20) == (20, 28))
        XCTAssertTrue(ImagePreprocessing.shorterSideSize(height: 512, width: 333, shorter: 256) == (393, 256))
        XCTAssertEqual(ImagePreprocessing.resizeSide(forCrop: 224), 256)
    }

    func testGrayscaleMatchesPillow() {
        let g = Self.fixtures["gray"] as! [String: Any]
        let img = DecodedImage(width: g["width"] as! Int, height: g["height"] as! Int, channels: 3, pixels: Self.bytes(g["rgb"]))
        XCTAssertEqual(ImagePreprocessing.grayscale(img).pixels, Self.bytes(g["expected"]))
    }

    func testIdentityResizeFlipAndCrop() {
        var rng = SplitMix64(seed: 3)
        let x = FloatImage(channels: 2, height: 5, width: 7, data: (0..<70).map { _ in rng.nextUniform() })
        XCTAssertEqual(ImagePreprocessing.resize(x, height: 5, width: 7), x)
        let f = ImagePreprocessing.flipHorizontal(x)
        XCTAssertEqual(f.data[1 * 35 + 2 * 7 + 0], x.data[1 * 35 + 2 * 7 + 6])
        XCTAssertEqual(ImagePreprocessing.flipHorizontal(f), x)
        let c = ImagePreprocessing.crop(x, x: 5, y: -1, width: 4, height: 3)
        XCTAssertEqual(c.data[0 * 12 + 0 * 4 + 0], 0)
        XCTAssertEqual(c.data[0 * 12 + 1 * 4 + 0], x.data[0 * 35 + 0 * 7 + 5])
        XCTAssertEqual(c.data[1 * 12 + 2 * 4 + 1], x.data[1 * 35 + 1 * 7 + 6])
        XCTAssertEqual(c.data[1 * 12 + 2 * 4 + 2], 0)
    }
}
