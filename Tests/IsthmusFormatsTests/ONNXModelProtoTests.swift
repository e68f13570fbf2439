import Foundation
import XCTest
@testable import IsthmusFormats

/// ModelProto bytes written with field numbers from onnx/onnx.proto: a Conv -> Relu -> Softmax graph with one
/// raw-data initializer, one typed-field initializer, a symbolic batch dimension and an int/ints/float/tensor attribute.
func tinyModelBytes(externalWeight: Bool = false) -> [UInt8] {
    func valueInfo(_ w: inout ProtoWriter, _ field: Int, _ name: String, _ dims: [Any]) {
        w.message(field) { v in
            v.string(1, name)
            v.message(2) { tp in tp.message(1) { tt in
                tt.int(1, 1)
                tt.message(2) { s in for d in dims { s.message(1) { dim in
                    if let i = d as? Int { dim.int(1, Int64(i)) } else { dim.string(2, d as! String) }
                } } }
            } }
        }
    }
    var m = ProtoWriter()
    m.int(1, 8)
    m.string(2, "pytorch")
    m.message(8) { $0.string(1, ""); $0.int(2, 17) }
    m.message(8) { $0.string(1, "com.microsoft"); $0.int(2, 1) }
    m.message(7) { g in
        g.message(1) { n in
            n.string(1, "x"); n.string(1, "w"); n.string(1, "b"); n.string(2, "y"); n.string(3, "conv0"); n.string(4, "Conv")
            n.message(5) { a in a.string(1, "group"); a.int(3, 1); a.int(20, 2) }
            n.message(5) { a in a.string(1, "pads"); a.packedInts(8, [1, 1, 1, 1]); a.int(20, 7) }
            n.message(5) { a in a.string(1, "alpha"); a.float(2, 0.25) }  // no type field: inferred
        }
        g.message(1) { n in n.string(1, "y"); n.string(2, "z"); n.string(4, "Relu") }
        g.message(1) { n in
            n.string(1, "z"); n.string(2, "p"); n.string(4, "Softmax")
            n.message(5) { a in
                a.string(1, "value"); a.int(20, 4)
                a.message(5) { t in t.packedInts(1, [2]); t.int(2, 7); t.packedInts(7, [3, -4]) }
            }
        }
        g.string(2, "tiny")
        g.message(5) { t in
            t.packedInts(1, [2, 1, 1, 1]); t.int(2, 1); t.string(8, "w")
            if externalWeight {
                t.message(13) { e in e.string(1, "location"); e.string(2, "tiny.onnx.data") }
                t.message(13) { e in e.string(1, "offset"); e.string(2, "4") }
                t.message(13) { e in e.string(1, "length"); e.string(2, "8") }
                t.int(14, 1)
            } else {
                t.bytes(9, [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0])  // 1.0, -2.0
            }
        }
        g.message(5) { t in t.packedInts(1, [2]); t.int(2, 1); t.string(8, "b"); t.packedFloats(4, [0.5, 0.25]) }
        valueInfo(&g, 11, "x", ["batch", 1, 4, 4])
        valueInfo(&g, 12, "p", ["batch", 2, 6, 6])
    }
    return m.bytes
}

final class ONNXModelProtoTests: XCTestCase {
    func testReadsModelGraphNodesAttributesAndValueInfo() throws {
        let m = try ONNXModelProto.decode(bytes: tinyModelBytes())
        XCTAssertEqual(m.irVersion, 8)
        XCTAssertEqual(m.producerName, "pytorch")
        XCTAssertEqual(m.opsetVersion, 17)
        XCTAssertEqual(m.opsetImports.count, 2)
        let g = m.graph
        XCTAssertEqual(g.name, "tiny")
        XCTAssertEqual(g.nodes.map(\.opType), ["Conv", "Relu", "Softmax"])
        XCTAssertEqual(g.nodes[0].inputs, ["x", "w", "b"])
        XCTAssertEqual(g.nodes[0].name, "conv0")
        XCTAssertEqual(g.nodes[0].attribute("group")?.kind, .int)
        XCTAssertEqual(g.nodes[0].attribute("group")?.i, 1)
        XCTAssertEqual(g.nodes[0].attribute("pads")?.ints, [1, 1, 1, 1])
        XCTAssertEqual(g.nodes[0].attribute("alpha")?.kind, .float)
        XCTAssertEqual(g.nodes[0].attribute("alpha")?.f, 0.25)
        let t = try XCTUnwrap(g.nodes[2].attribute("value")?.t)
        XCTAssertEqual(try t.int64s(), [3, -4])
        XCTAssertEqual(g.initializers.map(\.name), ["w", "b"])
        XCTAssertEqual(g.initializers[0].dims, [2, 1, 1, 1])
        XCTAssertEqual(try g.initializers[0].floats(), [1, -2])
        XCTAssertEqual(try g.initializers[1].floats(), [0.5, 0.25])
        XCTAssertEqual(g.inputs.first?.shape, [.parameter("batch"), .value(1), .value(4), .value(4)])
        XCTAssertEqual(g.inputs.first?.elementType, 1)
        XCTAssertEqual(g.outputs.first?.name, "p")
    }

    func testTensorTypedFieldsAndRawDataOfEveryType() throws {
        var t = ONNXTensorProto()
        t.dims = [3]
        t.dataType = ONNXDataType.int32.rawValue
        t.int32Data = [1, -2, 3]
        XCTAssertEqual(try t.int64s(), [1, -2, 3])
        XCTAssertEqual(try t.floats(), [1, -2, 3])
        t.dataType = ONNXDataType.float16.rawValue
        t.int32Data = [0x3c00, 0xc000, 0x3800]  // 1, -2, 0.5
        XCTAssertEqual(try t.floats(), [1, -2, 0.5])
        t.dataType = ONNXDataType.double.rawValue
        t.int32Data = []
        t.rawData = [0, 0, 0, 0, 0, 0, 0xf0, 0x3f] + [UInt8](repeating: 0, count: 16)
        XCTAssertEqual(try t.doubles(), [1, 0, 0])
        t.dataType = ONNXDataType.uint8.rawValue
        t.rawData = [1, 255, 7]
        XCTAssertEqual(try t.int64s(), [1, 255, 7])
        t.dataType = ONNXDataType.int64.rawValue
        t.rawData = [UInt8](repeating: 0xff, count: 24)
        XCTAssertEqual(try t.int64s(), [-1, -1, -1])
        t.dims = []
        t.rawData = [5, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(try t.int64s(), [5], "a scalar has one element")
    }

    func testTensorDataThatDoesNotMatchItsDimsIsRefused() {
        var t = ONNXTensorProto()
        t.name = "w"
        t.dims = [2, 2]
        t.dataType = 1
        t.floatData = [1, 2, 3]
        assertFormatError(try t.floats(), "3 floats for 4")
        t.floatData = []
        t.rawData = [0, 0, 0]
        assertFormatError(try t.floats(), "3 raw bytes")
        t.dataType = 99
        assertFormatError(try t.floats(), "unknown type")
        t.dataType = ONNXDataType.string.rawValue
        assertFormatError(try t.floats(), "strings")
        t.dataType = 1
        assertFormatError(try t.int64s(), "float read as int")
    }

    func testExternalDataIsReadFromBesideTheModel() throws {
        let dir = tempPath("onnx-external")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(tinyModelBytes(externalWeight: true)).write(to: URL(fileURLWithPath: dir + "/tiny.onnx"))
        assertFormatError(try ONNXModelProto.read(dir + "/tiny.onnx"), "data file missing")
        try Data([9, 9, 9, 9, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]).write(to: URL(fileURLWithPath: dir + "/tiny.onnx.data"))
        let m = try ONNXModelProto.read(dir + "/tiny.onnx")
        XCTAssertEqual(try m.graph.initializers[0].floats(), [1, -2])
        XCTAssertFalse(m.graph.initializers[0].isExternal)
        try Data([9, 9, 9, 9, 0, 0]).write(to: URL(fileURLWithPath: dir + "/tiny.onnx.data"))
        assertFormatError(try ONNXModelProto.read(dir + "/tiny.onnx"), "data file too short")
        assertFormatError(try ONNXModelProto.decode(bytes: tinyModelBytes(externalWeight: true)), "no folder to read from")
    }

    func testExternalLocationsOutsideTheFolderAreRefused() throws {
        var t = ONNXTensorProto()
        t.dims = [1]; t.dataType = 1; t.isExternal = true
        var files = [String: FileHandle]()
        for loc in ["../secret", "/etc/passwd", "a/../../b", ""] {
            t.externalData = ["location": loc]
            assertFormatError(try ONNXModelProto.loadExternal(&t, directory: NSTemporaryDirectory(), label: "m", files: &files), loc)
        }
    }

    func testBadFilesGiveOneLineErrors() throws {
        let good = tinyModelBytes()
        assertFormatError(try ONNXModelProto.decode(bytes: []), "empty: no graph")
        assertFormatError(try ONNXModelProto.decode(bytes: Array("not a model at all".utf8)), "text")
        assertFormatError(try ONNXModelProto.read("/nonexistent/model.onnx"), "missing file")
        // Every prefix and many single-byte corruptions either parse or throw FormatError; none crash.
        for n in stride(from: 0, to: good.count, by: 3) { _ = try? ONNXModelProto.decode(bytes: Array(good.prefix(n))) }
        for i in 0..<good.count {
            var b = good
            b[i] ^= 0x5a
            do { _ = try ONNXModelProto.decode(bytes: b) } catch is FormatError {} catch { XCTFail("\(error)") }
        }
    }

    func testGraphNestingIsBounded() {
        // An attribute holding a graph whose node holds a graph ... deeper than the limit.
        func nested(_ depth: Int) -> [UInt8] {
            var g = ProtoWriter()
            if depth > 0 {
                let inner = nested(depth - 1)
                g.message(1) { n in n.string(4, "If"); n.message(5) { a in a.string(1, "then_branch"); a.bytes(6, inner) } }
            }
            return g.bytes
        }
        var ok = ProtoWriter(); ok.bytes(7, nested(ONNXLimits.maxGraphDepth))
        XCTAssertNoThrow(try ONNXModelProto.decode(bytes: ok.bytes))
        var deep = ProtoWriter(); deep.bytes(7, nested(ONNXLimits.maxGraphDepth + 2))
        assertFormatError(try ONNXModelProto.decode(bytes: deep.bytes), "too deep")
    }

    func testReadsAConformanceModelWhenPresent() throws {
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) { root.deleteLastPathComponent() }
        let dir = root.appendingPathComponent("data/onnx-backend/pytorch-converted/test_Conv2d").path
        guard FileManager.default.fileExists(atPath: dir + "/model.onnx") else {
            throw XCTSkip("ONNX backend test data absent: run scripts/setup.sh")
        }
        let m = try ONNXModelProto.read(dir + "/model.onnx")
        XCTAssertEqual(m.graph.nodes.map(\.opType), ["Conv"])
        let x = try ONNXTensorProto.read(dir + "/test_data_set_0/input_0.pb")
        XCTAssertEqual(try x.floats().count, x.elementCount)
    }
}
