import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats

final class InspectCommandTests: XCTestCase {
    func testInspectsONNXAndTensorFiles() throws {
        let (code, out, err) = try isthmus(["inspect", ONNXModelSourceTests.model])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("opset 17"), out)
        XCTAssertTrue(out.contains("input   input: float [batch, 3, 24, 24]"), out)
        XCTAssertTrue(out.contains("output  output: float [batch, 10]"), out)
        XCTAssertTrue(out.contains("PRelu 1"), out)
        XCTAssertTrue(out.contains("(input of the final LogSoftmax)"), out)

        // A graph with an op Isthmus does not run lists it with its count.
        let dir = tempDir("inspect")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var w = ProtoWriter()
        w.message(8) { $0.string(1, ""); $0.int(2, 13) }
        w.message(7) { g in
            for _ in 0..<2 { g.message(1) { n in n.string(1, "x"); n.string(2, "y"); n.string(4, "TopK") } }
            g.message(1) { n in n.string(1, "y"); n.string(2, "z"); n.string(4, "Relu") }
            g.message(11) { v in v.string(1, "x") }
            g.message(12) { v in v.string(1, "z") }
        }
        try Data(w.bytes).write(to: URL(fileURLWithPath: dir + "/topk.onnx"))
        let (code2, out2, _) = try isthmus(["inspect", dir + "/topk.onnx"])
        XCTAssertEqual(code2, 0)
        XCTAssertTrue(out2.contains("ops TopK 2, Relu 1"), out2)
        XCTAssertTrue(out2.contains("unsupported ops TopK 2"), out2)

        try Safetensors.write([("layer.weight", RawArray(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]))], to: dir + "/w.safetensors")
        let (code3, out3, _) = try isthmus(["inspect", dir + "/w.safetensors"])
        XCTAssertEqual(code3, 0)
        XCTAssertTrue(out3.contains("layer.weight  F32 [2, 3]") && out3.contains("1 tensors, 6 elements"), out3)

        let (code4, _, err4) = try isthmus(["inspect", dir + "/missing.onnx"])
        XCTAssertEqual(code4, 2)
        XCTAssertTrue(err4.contains("no such file"), err4)
        try Data([0x0a, 0x7f]).write(to: URL(fileURLWithPath: dir + "/cut.onnx"))
        let (code5, _, err5) = try isthmus(["inspect", dir + "/cut.onnx"])
        XCTAssertEqual(code5, 2)
        XCTAssertTrue(err5.contains("cut.onnx") && err5.split(separator: "\n").count == 1, err5)
    }
}
