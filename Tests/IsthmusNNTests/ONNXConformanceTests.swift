import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats
import IsthmusNN

/// The ONNX project's own backend test cases (onnx/backend/test/data in the pinned `onnx` wheel, extracted into
/// data/onnx-backend by scripts/setup.sh). Every case whose ops and attributes Isthmus supports runs and must match
/// the expected output to the ONNX runner's tolerance (|y - e| <= 1e-7 + 1e-3 |e|); a case outside what is
/// supported (an op, an attribute value, a non-float input) is counted as unsupported, never as passed. A case with
/// several inputs feeds the first as the input and the others as constants; every output is compared.
/// Pass counts with onnx 1.17.0: pytorch-converted 65 of 82, pytorch-operator 27 of 35, simple 5 of 23, light 9 of 9.
/// light/ holds full-size ImageNet networks with constant weights; their input is the runner's
/// arange(n) / n, and they run at their stated batch 1.
final class ONNXConformanceTests: XCTestCase {
    static let root: URL = {
        var u = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: u.appendingPathComponent("Package.swift").path) { u.deleteLastPathComponent() }
        return u
    }()
    static let data = root.appendingPathComponent("data/onnx-backend").path

    struct Case { let name: String; let model: String; let inputs: [String]; let outputs: [String] }

    enum Outcome: Equatable { case passed, failed(String), unsupported(String) }

    static func cases(_ folder: String) -> [Case] {
        let dir = data + "/" + folder
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted()
        if folder == "light" {
            return names.filter { $0.hasSuffix(".onnx") }.map { f in
                let base = String(f.dropLast(5))
                return Case(name: base, model: dir + "/" + f, inputs: [], outputs: [dir + "/" + base + "_output_0.pb"])
            }
        }
        return names.compactMap { name in
            let set = dir + "/" + name + "/test_data_set_0"
            guard fm.fileExists(atPath: dir + "/" + name + "/model.onnx") else { return nil }
            let files = ((try? fm.contentsOfDirectory(atPath: set)) ?? []).sorted()
            func numbered(_ prefix: String) -> [String] {
                files.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".pb") }
                    .sorted { Int($0.dropFirst(prefix.count).dropLast(3)) ?? 0 < Int($1.dropFirst(prefix.count).dropLast(3)) ?? 0 }
                    .map { set + "/" + $0 }
            }
            return Case(name: name, model: dir + "/" + name + "/model.onnx", inputs: numbered("input_"), outputs: numbered("output_"))
        }
    }

    static func run(_ c: Case) -> Outcome {
        var proto: ONNXModelProto
        do { proto = try ONNXModelProto.read(c.model) } catch { return .failed("cannot read: \(error)") }
        let unsupported = ONNXOps.unsupported(in: proto.graph)
        if !unsupported.isEmpty { return .unsupported("ops " + unsupported.map(\.op).joined(separator: ", ")) }
        let inits = Set(proto.graph.initializers.map(\.name))
        let graphInputs = proto.graph.inputs.filter { !inits.contains($0.name) }
        guard !graphInputs.isEmpty, graphInputs.count == max(c.inputs.count, 1) else { return .unsupported("\(graphInputs.count) graph inputs") }
        guard proto.graph.outputs.count == c.outputs.count else { return .failed("\(c.outputs.count) expected outputs") }
        do {
            for (i, path) in c.inputs.enumerated().dropFirst() {
                var t = try ONNXTensorProto.read(path)
                t.name = graphInputs[i].name
                proto.graph.initializers.append(t)
            }
        } catch { return .failed("cannot read input: \(error)") }
        guard graphInputs[0].elementType == ONNXDataType.float.rawValue else {
            return .unsupported("input type \(ONNXDataType.name(graphInputs[0].elementType ?? 0))")
        }
        let x: Tensor
        do {
            if c.inputs.isEmpty {
                let shape = (graphInputs[0].shape ?? []).map { d -> Int in if case .value(let v) = d { return v } else { return 1 } }
                let n = shape.reduce(1, *)
                x = Tensor(shape: shape, scalars: (0..<n).map { Float(Double($0) / Double(n)) })
            } else {
                let t = try ONNXTensorProto.read(c.inputs[0])
                guard t.dataType == ONNXDataType.float.rawValue else { return .unsupported("input data type \(t.dataType)") }
                x = Tensor(shape: t.dims, scalars: try t.floats())
            }
        } catch { return .failed("cannot read input: \(error)") }
        for (k, output) in proto.graph.outputs.enumerated() {
            let model: ONNXModel
            do { model = try ONNXModel(proto: proto, logits: output.name) } catch { return .unsupported("\(error)") }
            let y: Tensor
            do { y = try withoutGradients { try model.forwardThrowing(x) } } catch { return .unsupported("\(error)") }
            let r = compare(y, c.outputs[k])
            if r != .passed { return r }
        }
        return .passed
    }

    static func compare(_ y: Tensor, _ expected: String) -> Outcome {
        do {
            let e = try ONNXTensorProto.read(expected)
            guard ONNXDataType(rawValue: e.dataType)?.isFloatingPoint == true else { return .unsupported("output type \(e.dataType)") }
            let want = try e.doubles()
            guard y.shape == e.dims || (y.count == want.count && y.shape.filter { $0 != 1 } == e.dims.filter { $0 != 1 }) else {
                return .failed("shape \(y.shape), expected \(e.dims)")
            }
            let got = y.scalars
            var worst = 0.0, at = 0
            for i in 0..<want.count {
                let excess = Swift.abs(Double(got[i]) - want[i]) - (1e-7 + 1e-3 * Swift.abs(want[i]))
                if excess > worst || (got[i].isNaN != want[i].isNaN) { worst = max(excess, 1e-30); at = i }
            }
            if worst > 0 { return .failed("element \(at): \(got[at]) vs \(want[at])") }
            return .passed
        } catch { return .failed("cannot read expected output: \(error)") }
    }

    func check(_ folder: String, minimumPassed: Int) throws {
        let cases = Self.cases(folder)
        guard !cases.isEmpty else { throw XCTSkip("ONNX backend test data absent (data/onnx-backend/\(folder)): run scripts/setup.sh") }
        var passed = 0, unsupported = [String]()
        for c in cases {
            let start = Date()
            switch Self.run(c) {
            case .passed: passed += 1
            case .failed(let why): XCTFail("\(folder)/\(c.name): \(why)")
            case .unsupported(let why): unsupported.append("\(c.name) (\(why))")
            }
            let dt = Date().timeIntervalSince(start)
            if dt > 5 { print("  \(folder)/\(c.name): \(String(format: "%.1f", dt)) s") }
        }
        print("ONNX conformance \(folder): \(passed) passed, \(cases.count - passed - unsupported.count) failed, "
              + "\(unsupported.count) unsupported of \(cases.count)")
        for u in unsupported { print("  unsupported: \(u)") }
        XCTAssertGreaterThanOrEqual(passed, minimumPassed, "\(folder): fewer cases pass than before")
    }

    func testPytorchConverted() throws { try check("pytorch-converted", minimumPassed: 65) }
    func testPytorchOperator() throws { try check("pytorch-operator", minimumPassed: 27) }
    func testSimple() throws { try check("simple", minimumPassed: 5) }
    func testLight() throws { try check("light", minimumPassed: 9) }
}
