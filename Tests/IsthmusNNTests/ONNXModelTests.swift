import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats
import IsthmusNN
import IsthmusTestSupport

/// Graphs built in Swift: ONNX semantics of single ops against values worked out by hand, gradients against finite
/// differences, folding, fusion, and refusals.
final class ONNXModelTests: XCTestCase {
    static func attr(_ name: String, int: Int64) -> ONNXAttributeProto {
        var a = ONNXAttributeProto(); a.name = name; a.kind = .int; a.i = int; return a
    }
    static func attr(_ name: String, ints: [Int64]) -> ONNXAttributeProto {
        var a = ONNXAttributeProto(); a.name = name; a.kind = .ints; a.ints = ints; return a
    }
    static func attr(_ name: String, float: Float) -> ONNXAttributeProto {
        var a = ONNXAttributeProto(); a.name = name; a.kind = .float; a.f = float; return a
    }
    static func attr(_ name: String, string: String) -> ONNXAttributeProto {
        var a = ONNXAttributeProto(); a.name = name; a.kind = .string; a.s = Array(string.utf8); return a
    }
    static func ints(_ name: String, _ v: [Int64]) -> ONNXTensorProto {
        var t = ONNXTensorProto(); t.name = name; t.dims = [v.count]; t.dataType = 7; t.int64Data = v; return t
    }
    static func floats(_ name: String, _ dims: [Int], _ v: [Float]) -> ONNXTensorProto { ONNXTensorProto(name: name, dims: dims, floats: v) }

    /// A model with input "x" of `shape` (nil: unstated), the nodes, initializers and output "y".
    static func model(_ nodes: [ONNXNodeProto], _ inits: [ONNXTensorProto] = [], input shape: [Int]? = nil,
                      output: String = "y", opset: Int = 17) throws -> ONNXModel {
        var m = ONNXModelProto()
        m.opsetImports = [("", opset)]
        m.graph.nodes = nodes
        m.graph.initializers = inits
        m.graph.inputs = [ONNXValueInfoProto(name: "x", elementType: 1, shape: shape.map { $0.map { .value($0) } })]
        m.graph.outputs = [ONNXValueInfoProto(name: output, elementType: 1)]
        return try ONNXModel(proto: m)
    }
    static func node(_ op: String, _ ins: [String], _ outs: [String] = ["y"], _ attrs: [ONNXAttributeProto] = []) -> ONNXNodeProto {
        ONNXNodeProto(opType: op, inputs: ins, outputs: outs, name: op.lowercased(), attributes: attrs)
    }

    func run(_ m: ONNXModel, _ x: Tensor) throws -> Tensor { try withoutGradients { try m.forwardThrowing(x) } }

    func testElementwiseOpsMatchTheirDefinitions() throws {
        let x = Tensor(shape: [1, 5], scalars: [-2, -0.5, 0.25, 1, 3])
        let cases: [(String, [ONNXAttributeProto], (Float) -> Float)] = [
            ("LeakyRelu", [Self.attr("alpha", float: 0.1)], { $0 > 0 ? $0 : 0.1 * $0 }),
            ("Elu", [], { $0 > 0 ? $0 : exp($0) - 1 }),
            ("Selu", [], { 1.0507009873554805 * ($0 > 0 ? $0 : 1.6732632423543772 * (exp($0) - 1)) }),
            ("HardSigmoid", [], { min(max(0.2 * $0 + 0.5, 0), 1) }),
            ("HardSwish", [], { $0 * min(max($0 + 3, 0), 6) / 6 }),
            ("Softplus", [], { log(1 + exp($0)) }),
            ("Erf", [], { erf($0) }),
            ("Reciprocal", [], { 1 / $0 }),
            ("Neg", [], { -$0 }),
            ("Gelu", [Self.attr("approximate", string: "tanh")], { 0.5 * $0 * (1 + tanh(0.7978845608 * ($0 + 0.044715 * $0 * $0 * $0))) }),
        ]
        for (op, attrs, f) in cases {
            let y = try run(Self.model([Self.node(op, ["x"], ["y"], attrs)]), x)
            for i in 0..<5 { XCTAssertEqual(y[flat: i], f(x[flat: i]), accuracy: 2e-6 * max(1, abs(f(x[flat: i]))), "\(op)(\(x[flat: i]))") }
        }
    }

    func testGradientsOfComposedOpsMatchFiniteDifferences() throws {
        let w = Self.floats("w", [3, 2, 3, 3], randn([3, 2, 3, 3], seed: 3).scalars)
        let graphs: [(String, ONNXModel, [Int])] = [
            ("conv dilated + selu + pad reflect", try Self.model([
                Self.node("Pad", ["x", "p"], ["a"], [Self.attr("mode", string: "reflect")]),
                Self.node("Conv", ["a", "w"], ["b"], [Self.attr("dilations", ints: [2, 1]), Self.attr("strides", ints: [1, 2])]),
                Self.node("Selu", ["b"], ["y"])], [w, Self.ints("p", [0, 0, 1, 2, 0, 0, 2, 1])]), [1, 2, 5, 6]),
            // Values kept off the kinks at -3 and 3 where HardSwish' jumps.
            ("hardswish + hardsigmoid + leakyrelu", try Self.model([
                Self.node("HardSwish", ["x"], ["a"]), Self.node("HardSigmoid", ["x"], ["b"]),
                Self.node("LeakyRelu", ["x"], ["c"]), Self.node("Add", ["a", "b"], ["d"]), Self.node("Mul", ["d", "c"], ["y"])]), [3, 7]),
            ("instance norm + erf + slice step 2", try Self.model([
                Self.node("InstanceNormalization", ["x", "s", "b"], ["a"], [Self.attr("epsilon", float: 1e-3)]),
                Self.node("Erf", ["a"], ["c"]),
                Self.node("Slice", ["c", "st", "en", "ax", "sp"], ["y"])],
                [Self.floats("s", [2], [0.5, 2]), Self.floats("b", [2], [0.1, -0.2]), Self.ints("st", [-1]), Self.ints("en", [-100]),
                 Self.ints("ax", [3]), Self.ints("sp", [-2])]), [2, 2, 3, 5]),
            ("lrn + elu + transpose + matmul", try Self.model([
                Self.node("LRN", ["x"], ["a"], [Self.attr("size", int: 3), Self.attr("alpha", float: 0.3)]),
                Self.node("Elu", ["a"], ["b"]),
                Self.node("Transpose", ["b"], ["c"], [Self.attr("perm", ints: [0, 2, 3, 1])]),
                Self.node("MatMul", ["c", "m"], ["y"])], [Self.floats("m", [4, 2], randn([4, 2], seed: 5).scalars)]), [1, 4, 2, 3]),
            ("gather + tile + layernorm over two axes + softplus", try Self.model([
                Self.node("Gather", ["x", "i"], ["a"], [Self.attr("axis", int: 2)]),
                Self.node("Tile", ["a", "r"], ["b"]),
                Self.node("LayerNormalization", ["b", "g"], ["c"], [Self.attr("axis", int: -2)]),
                Self.node("Softplus", ["c"], ["y"])],
                [Self.ints("i", [2, 0, 0]), Self.ints("r", [1, 1, 1, 2]), Self.floats("g", [1, 6], [1, 2, 3, 0.5, 1, 1])]), [2, 2, 4, 3]),
            ("dilated max pool, ceil mode + max", try Self.model([
                Self.node("MaxPool", ["x"], ["a"], [Self.attr("kernel_shape", ints: [2, 3]), Self.attr("dilations", ints: [2, 1]),
                                                   Self.attr("strides", ints: [1, 2]), Self.attr("pads", ints: [1, 1, 0, 1]),
                                                   Self.attr("ceil_mode", int: 1)]),
                Self.node("Max", ["a", "h"], ["y"])], [Self.floats("h", [1], [0.2])]), [1, 2, 6, 7]),
            ("avgpool asymmetric pads without the pad count + prelu", try Self.model([
                Self.node("AveragePool", ["x"], ["a"], [Self.attr("kernel_shape", ints: [3, 3]), Self.attr("pads", ints: [0, 1, 2, 0]),
                                                       Self.attr("strides", ints: [2, 1])]),
                Self.node("PRelu", ["a", "sl"], ["y"])], [Self.floats("sl", [2, 1, 1], [0.25, -0.5])]), [1, 2, 5, 4]),
        ]
        for (name, m, shape) in graphs {
            let x = awayFromZero(shape, seed: 11)
            let dir = randn(try run(m, x).shape, seed: 12)
            assertGradientsMatchFiniteDifferences([x], name) { (m(x) * dir).sum() }
        }
    }

    func testShapeSubgraphIsFoldedForTheInputShape() throws {
        // y = Reshape(x, Concat(Gather(Shape(x), 0), [-1])): a flatten written the way exporters write it.
        let m = try Self.model([
            Self.node("Shape", ["x"], ["s"]),
            Self.node("Gather", ["s", "zero"], ["n"], [Self.attr("axis", int: 0)]),
            Self.node("Unsqueeze", ["n", "axes"], ["n1"]),
            Self.node("Concat", ["n1", "minus1"], ["target"], [Self.attr("axis", int: 0)]),
            Self.node("Reshape", ["x", "target"], ["y"])],
            [{ var t = Self.ints("zero", [0]); t.dims = []; return t }(), Self.ints("axes", [0]), Self.ints("minus1", [-1])])
        for n in [1, 3] {
            let x = randn([n, 2, 3, 2], seed: 1)
            let y = try run(m, x)
            XCTAssertEqual(y.shape, [n, 12])
            XCTAssertEqual(y.scalars, x.scalars)
        }
    }

    func testConvBatchNormReluIsFusedWithTheSameValues() throws {
        let K = 4
        let inits = [Self.floats("w", [K, 3, 3, 3], randn([K, 3, 3, 3], seed: 2).scalars), Self.floats("b", [K], [0.1, -0.2, 0.3, 0]),
                     Self.floats("g", [K], [1.5, 0.5, -1, 2]), Self.floats("be", [K], [0.2, 0, -0.1, 0.3]),
                     Self.floats("mu", [K], [0.1, -0.3, 0.2, 0]), Self.floats("var", [K], [0.5, 2, 1, 0.1])]
        let conv = Self.node("Conv", ["x", "w", "b"], ["c"], [Self.attr("pads", ints: [1, 1, 1, 1])])
        let bn = Self.node("BatchNormalization", ["c", "g", "be", "mu", "var"], ["n"])
        let fused = try Self.model([conv, bn, Self.node("Relu", ["n"], ["y"])], inits)
        // An Identity between the nodes keeps them apart: the unfused reference.
        let plain = try Self.model([conv, Self.node("Identity", ["c"], ["c2"]),
                                    Self.node("BatchNormalization", ["c2", "g", "be", "mu", "var"], ["n"]),
                                    Self.node("Identity", ["n"], ["n2"]), Self.node("Relu", ["n2"], ["y"])], inits)
        XCTAssertEqual(fused.operations, ["Conv conv+batchnormalization+relu"])
        XCTAssertEqual(plain.operations.count, 5)
        let x = randn([2, 3, 6, 5], seed: 4)
        let a = try run(fused, x), b = try run(plain, x)
        for i in 0..<a.count { XCTAssertEqual(a[flat: i], b[flat: i], accuracy: 1e-5 * max(1, abs(b[flat: i]))) }
        let (_, ga) = valueWithGradient(wrt: [x]) { (fused(x) * b).sum() }
        let (_, gb) = valueWithGradient(wrt: [x]) { (plain(x) * b).sum() }
        for i in 0..<x.count { XCTAssertEqual(ga[0][flat: i], gb[0][flat: i], accuracy: 1e-4 * max(1, abs(gb[0][flat: i]))) }
    }

    func testConvPairIsFusedWithTheSameValuesAndGradients() throws {
        // Conv-Relu-Conv (a ResNet block's main path) runs as conv2dPair; Identity nodes keep the reference apart.
        let inits = [Self.floats("w1", [16, 3, 3, 3], randn([16, 3, 3, 3], seed: 6).scalars), Self.floats("b1", [16], randn([16], seed: 7).scalars),
                     Self.floats("w2", [16, 16, 3, 3], randn([16, 16, 3, 3], seed: 8, std: 0.3).scalars)]
        let pads = Self.attr("pads", ints: [1, 1, 1, 1])
        let c1 = Self.node("Conv", ["x", "w1", "b1"], ["a"], [pads, Self.attr("strides", ints: [2, 2])])
        let fused = try Self.model([c1, Self.node("Relu", ["a"], ["r"]), Self.node("Conv", ["r", "w2"], ["y"], [pads])], inits)
        let plain = try Self.model([c1, Self.node("Identity", ["a"], ["a2"]), Self.node("Relu", ["a2"], ["r"]),
                                    Self.node("Identity", ["r"], ["r2"]), Self.node("Conv", ["r2", "w2"], ["y"], [pads])], inits)
        XCTAssertEqual(fused.operations, ["Conv conv+relu+conv"])
        let x = randn([2, 3, 10, 9], seed: 9)
        let a = try run(fused, x), b = try run(plain, x)
        XCTAssertEqual(a.shape, [2, 16, 5, 5])
        for i in 0..<a.count { XCTAssertEqual(a[flat: i], b[flat: i], accuracy: 1e-5 * max(1, abs(b[flat: i]))) }
        let (_, ga) = valueWithGradient(wrt: [x]) { (fused(x) * b).sum() }
        let (_, gb) = valueWithGradient(wrt: [x]) { (plain(x) * b).sum() }
        for i in 0..<x.count { XCTAssertEqual(ga[0][flat: i], gb[0][flat: i], accuracy: 1e-4 * max(1, abs(gb[0][flat: i]))) }
    }

    func testInvertedBottleneckIsOneChainWithTheSameValuesAndGradients() throws {
        // Expand 1x1 - Clip(0, 6) - depthwise 3x3 stride 2 - Clip(0, 6) - project 1x1 (EfficientNet-Lite's block) runs
        // as one conv2dChain; Identity nodes keep the reference apart.
        let inits = [Self.floats("we", [32, 8, 1, 1], randn([32, 8, 1, 1], seed: 10, std: 0.4).scalars),
                     Self.floats("wd", [32, 1, 3, 3], randn([32, 1, 3, 3], seed: 11, std: 0.4).scalars),
                     Self.floats("bd", [32], randn([32], seed: 12).scalars),
                     Self.floats("wp", [16, 32, 1, 1], randn([16, 32, 1, 1], seed: 13, std: 0.3).scalars),
                     Self.floats("lo", [], [0]), Self.floats("hi", [], [6])]
        let dw = Self.node("Conv", ["r1", "wd", "bd"], ["d"], [Self.attr("pads", ints: [0, 0, 1, 1]),
                                                               Self.attr("strides", ints: [2, 2]), Self.attr("group", int: 32)])
        let fused = try Self.model([Self.node("Conv", ["x", "we"], ["e"]), Self.node("Clip", ["e", "lo", "hi"], ["r1"]), dw,
                                    Self.node("Clip", ["d", "lo", "hi"], ["r2"]), Self.node("Conv", ["r2", "wp"], ["y"])], inits)
        let plain = try Self.model([Self.node("Conv", ["x", "we"], ["e"]), Self.node("Identity", ["e"], ["e2"]),
                                    Self.node("Clip", ["e2", "lo", "hi"], ["r1"]), dw, Self.node("Identity", ["d"], ["d2"]),
                                    Self.node("Clip", ["d2", "lo", "hi"], ["r2"]), Self.node("Conv", ["r2", "wp"], ["y"])], inits)
        XCTAssertEqual(fused.operations, ["Conv conv+clip+conv+clip+conv"])
        let x = randn([2, 8, 9, 9], seed: 14)
        let a = try run(fused, x), b = try run(plain, x)
        XCTAssertEqual(a.shape, [2, 16, 4, 4])
        for i in 0..<a.count { XCTAssertEqual(a[flat: i], b[flat: i], accuracy: 1e-5 * max(1, abs(b[flat: i]))) }
        let (_, ga) = valueWithGradient(wrt: [x]) { (fused(x) * b).sum() }
        let (_, gb) = valueWithGradient(wrt: [x]) { (plain(x) * b).sum() }
        for i in 0..<x.count { XCTAssertEqual(ga[0][flat: i], gb[0][flat: i], accuracy: 1e-4 * max(1, abs(gb[0][flat: i]))) }
    }

    func testTrailingSoftmaxIsStrippedAndLogitsCanBeNamed() throws {
        var m = ONNXModelProto()
        m.opsetImports = [("", 13)]
        m.graph.nodes = [Self.node("Mul", ["x", "two"], ["z"]), Self.node("Softmax", ["z"], ["y"], [Self.attr("axis", int: 1)])]
        m.graph.initializers = [Self.floats("two", [], [2])]
        m.graph.inputs = [ONNXValueInfoProto(name: "x", elementType: 1, shape: [.parameter("N"), .value(3)])]
        m.graph.outputs = [ONNXValueInfoProto(name: "y")]
        let stripped = try ONNXModel(proto: m)
        XCTAssertEqual(stripped.strippedOutputOp, "Softmax")
        XCTAssertEqual(stripped.logitsName, "z")
        let x = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        XCTAssertEqual(try run(stripped, x).scalars, [2, 4, 6])
        let probs = try ONNXModel(proto: m, logits: "y")
        XCTAssertEqual(try run(probs, x).scalars.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertThrowsError(try ONNXModel(proto: m, logits: "nope"))
    }

    func testUnsupportedOpsAndAttributesAreRefusedWithTheNodeName() {
        func message(_ f: () throws -> Any) -> String {
            do { _ = try f(); return "" } catch { return "\(error)" }
        }
        let op = message { try Self.model([ONNXNodeProto(opType: "NonMaxSuppression", inputs: ["x"], outputs: ["y"], name: "nms_3")]) }
        XCTAssertTrue(op.contains("nms_3") && op.contains("NonMaxSuppression") && op.contains("unsupported"), op)
        let attr = message { try Self.model([Self.node("AveragePool", ["x"], ["y"], [Self.attr("kernel_shape", ints: [2, 2]),
                                                                                     Self.attr("dilations", ints: [2, 2])])]) }
        XCTAssertTrue(attr.contains("averagepool") && attr.contains("dilations"), attr)
        let unknown = message { try Self.model([Self.node("Relu", ["x"], ["y"], [Self.attr("bogus", int: 1)])]) }
        XCTAssertTrue(unknown.contains("bogus"), unknown)
        let shape = message { try Self.model([Self.node("Reshape", ["x", "s"], ["y"])], [Self.ints("s", [5, -1])], input: [1, 2, 3]) }
        XCTAssertTrue(shape.contains("reshape"), "a shape that does not fit the stated input is refused at load: \(shape)")
        let domain = message {
            try Self.model([{ var n = Self.node("Relu", ["x"]); n.domain = "com.microsoft"; return n }()])
        }
        XCTAssertTrue(domain.contains("com.microsoft"), domain)
    }

    func testBatchOneGraphsRunSampleBySample() throws {
        // Reshape to [1, -1] as old exporters wrote: a batch of 3 runs as three batches of 1.
        let m = try Self.model([Self.node("Reshape", ["x", "s"], ["y"])], [Self.ints("s", [1, -1])], input: [1, 2, 2])
        let x = randn([3, 2, 2], seed: 8)
        let y = try run(m, x)
        XCTAssertEqual(y.shape, [3, 4])
        XCTAssertEqual(y.scalars, x.scalars)
    }

    func testGemmSplitConcatWhereAndReduce() throws {
        let m = try Self.model([
            Self.node("Gemm", ["x", "w", "c"], ["g"], [Self.attr("transB", int: 1), Self.attr("alpha", float: 2), Self.attr("beta", float: 0.5)]),
            Self.node("Split", ["g", "sp"], ["a", "b"], [Self.attr("axis", int: 1)]),
            Self.node("Concat", ["b", "a"], ["cat"], [Self.attr("axis", int: 1)]),
            Self.node("Where", ["mask", "cat", "minf"], ["wh"]),
            Self.node("ReduceMax", ["wh", "ax"], ["y"], [Self.attr("keepdims", int: 0)])],
            [Self.floats("w", [3, 2], [1, 0, 0, 1, 1, 1]), Self.floats("c", [3], [1, 2, 3]), Self.ints("sp", [1, 2]),
             { var t = ONNXTensorProto(); t.name = "mask"; t.dataType = 9; t.dims = [3]; t.int32Data = [1, 0, 1]; return t }(),
             Self.floats("minf", [], [-.infinity]), Self.ints("ax", [1])], opset: 18)
        // g = 2 x w^T + 0.5 c = [[2a+0.5, 2b+1, 2(a+b)+1.5]]; cat = [g1, g2, g0]; masked: [g1, -inf, g0].
        let y = try run(m, Tensor(shape: [1, 2], scalars: [1, 3]))
        XCTAssertEqual(y.scalars, [max(7, 2.5)])
    }
}
