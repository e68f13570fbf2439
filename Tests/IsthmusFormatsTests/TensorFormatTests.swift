import Foundation
import XCTest
import IsthmusTestSupport
@testable import IsthmusFormats

/// Asserts `body` throws a `FormatError` (and does not crash).
func assertFormatError<T>(_ body: @autoclosure () throws -> T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected a FormatError \(message)", file: file, line: line)
    } catch let e as FormatError {
        XCTAssertFalse(e.description.contains("\n"), file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error) \(message)", file: file, line: line)
    }
}

func tempPath(_ name: String) -> String {
    let dir = NSTemporaryDirectory() + "isthmus-formats-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir + "/" + name
}

func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

final class NpyTests: XCTestCase {
    func testReadsNumpyFiles() throws {
        let f4 = try Npy.decode(bytes: Golden.npyF4)
        XCTAssertEqual(f4.shape, [2, 3])
        XCTAssertEqual(try f4.floats(), [0, 0.5, 1, 1.5, 2, 2.5])
        let i8 = try Npy.decode(bytes: Golden.npyI8)
        XCTAssertEqual(try i8.int64s(), [-1, 2, 3, 1 << 40])
        XCTAssertEqual(try Npy.decode(bytes: Golden.npyF2).floats(), [1, -0.5, 0])
        let b1 = try Npy.decode(bytes: Golden.npyB1)
        XCTAssertEqual(b1.dtype, .bool)
        XCTAssertEqual(try b1.floats(), [1, 0, 1])
        let scalar = try Npy.decode(bytes: Golden.npyScalarF8)
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(try scalar.floats(), [2.5])
    }

    func testRoundTripMatchesNumpyBytes() throws {
        let a = RawArray(shape: [2, 3], floats: [0, 0.5, 1, 1.5, 2, 2.5])
        XCTAssertEqual(Npy.encode(a), Golden.npyF4)  // byte-identical to np.save
        XCTAssertEqual(Npy.encode(RawArray(shape: [2, 2], int64s: [-1, 2, 3, 1 << 40])), Golden.npyI8)
        let path = tempPath("a.npy")
        try Npy.write(a, to: path)
        XCTAssertEqual(try Npy.read(path), a)
        for shape in [[], [0], [5], [1, 2, 1, 2]] {
            let b = RawArray(shape: shape, floats: (0..<shape.reduce(1, *)).map(Float.init))
            let enc = Npy.encode(b)
            XCTAssertEqual((enc.count - b.bytes.count) % 64, 0)
            XCTAssertEqual(try Npy.decode(bytes: enc), b)
        }
    }

    func testMalformed() {
        let good = Golden.npyF4
        for n in 0..<good.count { assertFormatError(try Npy.decode(bytes: Array(good[..<n])), "prefix \(n)") }
        func withHeader(_ h: String, data: [UInt8] = []) -> [UInt8] {
            let hb = Array(h.utf8)
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(hb.count & 0xFF), UInt8(hb.count >> 8)] + hb + data
        }
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", data: [0, 0, 0, 0])))
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0])))
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0])))
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }")))
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }")))
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")))
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data: [0, 0, 0, 0])))
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '<f4', 'shape': (1,), }", data: [0, 0, 0, 0])))
        assertFormatError(try Npy.decode(bytes: withHeader("{'descr': '<f4", data: [0, 0, 0, 0])))
        var badVersion = good
        badVersion[6] = 9
        assertFormatError(try Npy.decode(bytes: badVersion))
        var badMagic = good
        badMagic[1] = 0x41
        assertFormatError(try Npy.decode(bytes: badMagic))
        assertFormatError(try Npy.read("/nonexistent/x.npy"))
    }
}

final class SafetensorsTests: XCTestCase {
    func testReadsPythonFile() throws {
        let t = try Safetensors.decode(bytes: Golden.torchSafetensors)
        let d = Dictionary(uniqueKeysWithValues: t.map { ($0.name, $0.array) })
        XCTAssertEqual(Set(d.keys), ["a", "b", "h", "bf", "d", "empty"])
        XCTAssertEqual(d["b"]?.shape, [2, 3])
        XCTAssertEqual(try d["b"]?.floats(), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try d["a"]?.int64s(), [1, -2, 3])
        XCTAssertEqual(try d["h"]?.floats(), [0.5, -2])
        XCTAssertEqual(try d["bf"]?.floats(), [1, -3])
        XCTAssertEqual(try d["d"]?.floats(), [0.25])
        XCTAssertEqual(d["empty"]?.shape, [0, 3])
        let path = tempPath("golden.safetensors")
        try atomicWrite(Golden.torchSafetensors, to: path)
        XCTAssertEqual(try Safetensors.metadata(path), ["format": "pt"])
        XCTAssertEqual(try Safetensors.readDictionary(path)["b"], d["b"])
        // Re-encoding gives the Python library's bytes exactly.
        XCTAssertEqual(try Safetensors.encode(t.map { ($0.name, $0.array) }, metadata: ["format": "pt"]), Golden.torchSafetensors)
    }

    func testRoundTrip() throws {
        let tensors: [(String, RawArray)] = [
            ("z.weight", RawArray(shape: [2, 2], floats: [1, 2, 3, 4])),
            ("a\"quote", RawArray(shape: [3], int64s: [7, 8, 9])),
            ("empty", RawArray(shape: [0], floats: [])),
            ("mask", RawArray(shape: [2], dtype: .bool, bytes: [1, 0])),
        ]
        let path = tempPath("rt.safetensors")
        try Safetensors.write(tensors, metadata: ["epoch": "3"], to: path)
        let back = try Safetensors.read(path)
        XCTAssertEqual(Set(back.map(\.name)), Set(tensors.map(\.0)))
        for (name, a) in tensors { XCTAssertEqual(back.first { $0.name == name }?.array, a) }
        XCTAssertEqual(try Safetensors.metadata(path), ["epoch": "3"])
        let bytes = try readFile(path)
        let n = Int(bytes.withUnsafeBytes { $0.loadLE(UInt64.self, at: 0) })
        XCTAssertEqual(n % 8, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"))
        assertFormatError(try Safetensors.encode([("x", tensors[0].1), ("x", tensors[0].1)]))
    }

    func make(_ json: String, buffer: Int) -> [UInt8] {
        let h = Array(json.utf8)
        return le64(UInt64(h.count)) + h + [UInt8](repeating: 0, count: buffer)
    }

    func testMalformed() {
        let good = Golden.torchSafetensors
        for n in 0..<good.count { assertFormatError(try Safetensors.decode(bytes: Array(good[..<n])), "prefix \(n)") }
        let cases = [
            #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,  // buffer too small
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#,  // size mismatch
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#,  // overlap
            #"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#,
            #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#,
            #"{"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,4]}}"#,
            #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#,
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#,
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#,
            #"{"a":{"dtype":"F32","shape":[1]}}"#,
            #"{"__metadata__":{"k":1}}"#,
            #"[1,2]"#,
            #"{"a":"#,
        ]
        for c in cases { assertFormatError(try Safetensors.decode(bytes: make(c, buffer: 6)), c) }
        XCTAssertEqual(try Safetensors.decode(bytes: make(#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}"#, buffer: 6)).first?.array.bytes, [0, 0])
        assertFormatError(try Safetensors.decode(bytes: le64(UInt64.max) + [0, 0]))
        assertFormatError(try Safetensors.decode(bytes: le64(200_000_000) + [0, 0]))
        assertFormatError(try Safetensors.decode(bytes: le64(100) + Array("{}".utf8)))
    }
}

final class TorchCheckpointTests: XCTestCase {
    func checkGolden(_ bytes: [UInt8]) throws {
        let t = try TorchCheckpoint.decode(bytes: bytes, label: "golden.pth")
        XCTAssertEqual(t.map(\.name), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "shared.full", "shared.tail",
                                       "bn.num_batches_tracked", "steps", "half"])
        let d = Dictionary(uniqueKeysWithValues: t.map { ($0.name, $0.array) })
        XCTAssertEqual(d["fc1.weight"]?.shape, [3, 4])
        XCTAssertEqual(try d["fc1.weight"]?.floats(), (0..<12).map { Float($0) / 4 })
        XCTAssertEqual(try d["fc1.bias"]?.floats(), [0.5, -1, 2])
        // (arange(6).reshape(3,2) - 3).t(): element [i][j] = 2j + i - 3
        XCTAssertEqual(d["fc2.weight"]?.shape, [2, 3])
        XCTAssertEqual(try d["fc2.weight"]?.floats(), [-3, -1, 1, -2, 0, 2])
        XCTAssertEqual(d["fc2.bias"]?.dtype, .float64)
        XCTAssertEqual(try d["fc2.bias"]?.floats(), [1.5, -2.5])
        XCTAssertEqual(try d["shared.full"]?.floats(), (0..<10).map(Float.init))
        XCTAssertEqual(d["shared.tail"]?.shape, [2, 3])
        XCTAssertEqual(try d["shared.tail"]?.floats(), [4, 5, 6, 7, 8, 9])
        XCTAssertEqual(d["bn.num_batches_tracked"]?.shape, [])
        XCTAssertEqual(try d["bn.num_batches_tracked"]?.int64s(), [7])
        XCTAssertEqual(try d["steps"]?.int64s(), [1, -2, 3_000_000_000])
        XCTAssertEqual(d["half"]?.dtype, .float16)
        XCTAssertEqual(try d["half"]?.floats(), [1, -0.5, 65504])
    }

    func testReadsTorchSave() throws {
        try checkGolden(Golden.ckptPth)
        try checkGolden(Golden.deflatedPth)
        try checkGolden(Golden.legacyPth)
        let path = tempPath("golden.pth")
        try atomicWrite(Golden.ckptPth, to: path)
        XCTAssertEqual(try TorchCheckpoint.readDictionary(path).count, 9)
    }

    func testNestedStateDict() throws {
        let t = try TorchCheckpoint.decode(bytes: Golden.nestedPth)
        XCTAssertEqual(t.map(\.name), ["w"])
        XCTAssertEqual(try t[0].array.floats(), [1, 1, 1, 1])
    }

    func testRefusesForeignGlobals() {
        do {
            _ = try TorchCheckpoint.decode(bytes: Golden.evilPth, label: "evil.pth")
            XCTFail("evil pickle accepted")
        } catch let e as FormatError {
            XCTAssertTrue(e.description.contains("refusing global posix.system"), e.description)
        } catch { XCTFail("\(error)") }
        var u = RestrictedUnpickler(data: Array("\u{80}\u{02}cbuiltins\neval\n.".utf8), label: "p")
        assertFormatError(try u.load())
    }

    func testUnpicklerLimits() {
        // 100 nested tuples: refused rather than recursing without bound.
        var p: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 100) + [0x2E]
        var u = RestrictedUnpickler(data: p, label: "deep")
        assertFormatError(try u.load())
        // A list appended into itself.
        p = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]
        u = RestrictedUnpickler(data: p, label: "cycle")
        assertFormatError(try u.load())
        for bad: [UInt8] in [[0x68, 0x05, 0x2E], [0x52, 0x2E], [0x75, 0x2E], [0x4B], [0x8A, 0x09], [0xFF], []] {
            u = RestrictedUnpickler(data: bad, label: "bad")
            assertFormatError(try u.load())
        }
    }

    func testTruncatedAndCorruptArchives() {
        let good = Golden.ckptPth
        for n in stride(from: 0, to: good.count, by: 7) {
            assertFormatError(try TorchCheckpoint.decode(bytes: Array(good[..<n])), "prefix \(n)")
        }
        let deflated = Golden.deflatedPth
        for n in stride(from: 0, to: deflated.count, by: 11) {
            assertFormatError(try TorchCheckpoint.decode(bytes: Array(deflated[..<n])), "deflated prefix \(n)")
        }
        // Flipping any single byte must never crash; it is either detected or lands in ignored padding.
        for i in stride(from: 0, to: deflated.count, by: 3) {
            var c = deflated
            c[i] ^= 0x5A
            _ = try? TorchCheckpoint.decode(bytes: c)
        }
        for i in stride(from: 0, to: good.count, by: 5) {
            var c = good
            c[i] ^= 0xA5
            _ = try? TorchCheckpoint.decode(bytes: c)
        }
        let legacy = Golden.legacyPth
        for n in stride(from: 0, to: legacy.count, by: 5) {
            assertFormatError(try TorchCheckpoint.decode(bytes: Array(legacy[..<n])), "legacy prefix \(n)")
        }
        for i in stride(from: 0, to: legacy.count, by: 3) {
            var c = legacy
            c[i] ^= 0x5A
            _ = try? TorchCheckpoint.decode(bytes: c)
        }
        assertFormatError(try TorchCheckpoint.decode(bytes: [0x80, 0x02, 0x8A, 0x0A]))
        assertFormatError(try TorchCheckpoint.decode(bytes: Golden.npyF4))
    }

    func testStridedViewBoundsChecked() {
        let s = RestrictedUnpickler.Storage(dtype: .float32, key: "0", numel: 4)
        let storage = [UInt8](repeating: 0, count: 16)
        for (off, size, stride) in [(0, [2, 3], [3, 1]), (3, [2], [1]), (0, [1 << 40, 1 << 40], [1, 1]), (-1, [1], [1]), (0, [2], [-1])] {
            let t = RestrictedUnpickler.Tensor(storage: s, offset: off, size: size, stride: stride)
            assertFormatError(try TorchCheckpoint.materialize(t, storage: storage, name: "x", label: "l"))
        }
        let ok = RestrictedUnpickler.Tensor(storage: s, offset: 1, size: [3], stride: [1])
        XCTAssertEqual(try TorchCheckpoint.materialize(ok, storage: storage, name: "x", label: "l").count, 3)
    }

    func testRealEfficientNetCheckpoint() throws {
        let path = try TestData.path("efficientnet-lite0.pth")
        let t = try TorchCheckpoint.read(path)
        XCTAssertEqual(t.count, 296)
        let d = Dictionary(uniqueKeysWithValues: t.map { ($0.name, $0.array) })
        XCTAssertEqual(d["_conv_stem.weight"]?.shape, [32, 3, 3, 3])
        XCTAssertEqual(d["_fc.weight"]?.shape, [1000, 1280])
        let params = t.filter { $0.array.dtype == .float32 }.reduce(0) { $0 + $1.array.count }
        XCTAssertEqual(params, 4_694_024)
        let fcSum = try d["_fc.weight"]?.floats().reduce(0.0) { $0 + Double($1) } ?? 0
        XCTAssertEqual(fcSum, -470.632567, accuracy: 1e-3)  // torch: sd['_fc.weight'].double().sum()
    }
}
