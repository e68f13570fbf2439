import Foundation
import XCTest

/// A seeded barriers run repeats exactly; detect re-evaluates it; result keys are those scripts read.
final class BarrierTests: XCTestCase {
    func testSeededBarriersRunRepeatsAndDetectReadsIt() throws {
        let root = tempDir("barriers")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try RunControlTests.writeTinyMNIST(root + "/mnist.csv")
        // Train a small MLP briefly so that test images are classified correctly.
        var (code, _, err) = try isthmus(["train", "--model", "mlp", "--hidden", "32", "--data", "mnist5k:" + root + "/mnist.csv",
                                          "--epochs", "30", "--quiet", "--out", root + "/model"])
        XCTAssertEqual(code, 0, err)
        func barriers(_ out: String, _ extra: [String] = []) throws -> (Int32, String) {
            let (c, _, e) = try isthmus(["barriers", "--model", "mlp", "--hidden", "32", "--weights", root + "/model/model.safetensors",
                                         "--data", "mnist5k:" + root + "/mnist.csv", "--pairs", "4", "--steps", "20",
                                         "--bypass-iterations", "5", "--attack-steps", "40", "--seed", "3", "--quiet", "--out", out] + extra)
            return (c, e)
        }
        (code, err) = try barriers(root + "/b1")
        XCTAssertEqual(code, 0, err)
        (code, err) = try barriers(root + "/b2")
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try String(contentsOfFile: root + "/b1/pairs.csv", encoding: .utf8),
                       try String(contentsOfFile: root + "/b2/pairs.csv", encoding: .utf8))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/b1/result.json"))) as! [String: Any]
        let groups = json["groups"] as! [String: Any]
        for g in ["within", "adversarial", "differentClass"] {
            let s = groups[g] as! [String: Any]
            for k in ["max", "gap"] {
                let stat = s[k] as! [String: Any]
                for q in ["mean", "median", "q1", "q3"] { XCTAssertNotNil(stat[q], "\(g).\(k).\(q)") }
            }
        }
        let detection = json["detection"] as! [String: Any]
        for name in ["barrierMax", "barrierGap", "bypassedMax", "learned"] {
            let d = detection[name] as! [String: Any]
            for k in ["auroc", "tprAt5FPR", "tnrAt95TPR", "accuracy"] { XCTAssertNotNil(d[k], "\(name).\(k)") }
        }
        // Shards merged equal the single run.
        for i in 0..<2 {
            (code, err) = try barriers(root + "/s\(i)", ["--shard", "\(i)/2"])
            XCTAssertEqual(code, 0, err)
        }
        let (mc, _, merr) = try isthmus(["merge", "--out", root + "/merged", root + "/s0", root + "/s1"])
        XCTAssertEqual(mc, 0, merr)
        XCTAssertEqual(try String(contentsOfFile: root + "/merged/pairs.csv", encoding: .utf8),
                       try String(contentsOfFile: root + "/b1/pairs.csv", encoding: .utf8))
        let (dc, _, derr) = try isthmus(["detect", "--barriers", root + "/b1", "--out", root + "/d"])
        XCTAssertEqual(dc, 0, derr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/d/roc.svg"))
    }
}
