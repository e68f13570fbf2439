import Foundation
import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusReport

/// `--data photos` in single-pair commands and in `attack`: images in the model's normalization, labels the model's
/// top-1 class per photo view (the photos set itself stores (x - 0.5) / 0.5 and photo indices).
final class PhotoDataTests: XCTestCase {
    /// Two small synthetic photos (a gradient and a checkerboard) in a fresh folder.
    func photoFolder(_ name: String) throws -> String {
        let dir = tempDir(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let patterns: [(Int, Int, Int) -> UInt8] = [{ x, y, c in UInt8((x * 5 + y * 3 + c * 70) % 256) },
                                                    { x, y, c in UInt8(((x / 6 + y / 6) % 2 == 0 ? 40 : 210) + c * 10) }]
        for (k, f) in patterns.enumerated() {
            var px: [UInt8] = []
            for y in 0..<48 { for x in 0..<48 { for c in 0..<3 { px.append(f(x, y, c)) } } }
            try PNG.write(to: URL(fileURLWithPath: dir + "/p\(k).png"), width: 48, height: 48, channels: 3, pixels: px)
        }
        return dir
    }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// One model per normalization: resnet18 (ImageNet mean/std) and efficientnet-lite0 ((x - 0.5) / 0.5).
    let models: [(name: String, options: ModelOptions)] = [
        ("resnet18", ModelOptions(name: "resnet18", classes: 10)), ("efficientnet-lite0", ModelOptions(name: "efficientnet-lite0", classes: 10))]

    /// Runs `body(photos, model name, untrained model, photos in its normalization)` for each model.
    func eachModel(_ folder: String, _ body: (String, String, Module, Dataset) throws -> Void) throws {
        let photos = try photoFolder(folder)
        let data = try DataSource.load("photos:" + photos).test
        for (name, options) in models {
            let (model, info) = try ModelZoo.make(options, seed: 0)
            try body(photos, name, model, data.renormalized(to: info.normalization))
        }
    }

    func testSinglePairPhotosUseTheModelsNormalization() throws {
        try eachModel("photos-pair") { photos, name, _, expected in
            let dir = tempDir("pair-\(name)")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try expected.image(0).writeNpy(dir + "/a.npy"); try expected.image(9).writeNpy(dir + "/c.npy")
            let common = ["interpolate", "--model", name, "--untrained", "--classes", "10", "--class", "3", "--steps", "2"]
            let (c1, _, e1) = try isthmus(common + ["--data", "photos:" + photos, "--from-index", "0", "--to-index", "9", "--out", dir + "/data"])
            XCTAssertEqual(c1, 0, e1)
            let (c2, _, e2) = try isthmus(common + ["--from", dir + "/a.npy", "--to", dir + "/c.npy", "--out", dir + "/npy"])
            XCTAssertEqual(c2, 0, e2)
            let fromData = try json(dir + "/data/result.json")["losses"] as! [Double]
            let fromNpy = try json(dir + "/npy/result.json")["losses"] as! [Double]
            for (u, v) in zip(fromData, fromNpy) { XCTAssertEqual(u, v, accuracy: 1e-6 * max(1, abs(v)), name) }
        }
    }

    func testAttackOnPhotosUsesTheModelsNormalizationAndTopOneLabels() throws {
        try eachModel("photos-attack") { photos, name, model, expected in
            let top1 = expected.predictions(of: model)
            let out = tempDir("attack-\(name)")
            let (code, _, err) = try isthmus(["attack", "--method", "fgsm", "--model", name, "--untrained", "--classes", "10",
                                              "--data", "photos:" + photos, "--count", "3", "--out", out])
            XCTAssertEqual(code, 0, err)
            let r = try json(out + "/result.json")
            let indices = (r["inputs"] as! [String: Any])["indices"] as! [Int]
            let labels = (r["samples"] as! [[String: Any]]).map { $0["label"] as! Int }
            XCTAssertEqual(labels, indices.map { top1[$0] }, name)
            let inputs = try Tensor.readNpy(out + "/inputs.npy")
            for (k, i) in indices.enumerated() {
                for (u, v) in zip(inputs.rows(k..<(k + 1)).scalars, expected.image(i).scalars) { XCTAssertEqual(u, v, accuracy: 1e-6) }
            }
        }
    }
}
