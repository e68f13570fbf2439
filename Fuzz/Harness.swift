/// libFuzzer entry point for the IsthmusFormats parsers, compiled together with their sources
/// (see scripts/fuzz.sh). One target per build, chosen by a compile condition:
/// FUZZ_NPY, FUZZ_SAFETENSORS, FUZZ_IDX, FUZZ_TORCH, FUZZ_IMAGE, FUZZ_CSV (MNIST-5k CSV, plain or gzipped), FUZZ_ONNX.
/// A parser may return or throw `FormatError`; any other outcome (trap, ASan report, hang) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do {
        #if FUZZ_NPY
        let a = try Npy.decode(bytes: bytes)
        precondition(a.bytes.count == checkedByteCount(a.shape, a.dtype), "npy: bytes do not match shape")
        _ = try a.floats()
        #elseif FUZZ_SAFETENSORS
        for (_, a) in try Safetensors.decode(bytes: bytes) {
            precondition(a.bytes.count == checkedByteCount(a.shape, a.dtype), "safetensors: bytes do not match shape")
            _ = try a.floats()
        }
        #elseif FUZZ_IDX
        let a = try IDX.decode(bytes: bytes)
        precondition(a.bytes.count == checkedCount(a.shape), "idx: bytes do not match shape")
        #elseif FUZZ_TORCH
        for (_, a) in try TorchCheckpoint.decode(bytes: bytes) {
            precondition(a.bytes.count == checkedByteCount(a.shape, a.dtype), "torch: bytes do not match shape")
        }
        #elseif FUZZ_IMAGE
        let img = try ImageDecode.decode(bytes: bytes)
        precondition(img.pixels.count == img.width * img.height * img.channels, "image: pixel count")
        #elseif FUZZ_CSV
        let (images, labels) = try MNIST5k.decode(bytes: bytes)
        precondition(images.bytes.count == labels.count * 784 && labels.allSatisfy { (0...9).contains($0) }, "csv: images and labels")
        #elseif FUZZ_ONNX
        let m = try ONNXModelProto.decode(bytes: bytes)
        for t in m.graph.initializers {
            if let v = try? t.doubles() { precondition(v.count == t.elementCount, "onnx: values do not match dims") }
        }
        #else
        #error("define one of FUZZ_NPY FUZZ_SAFETENSORS FUZZ_IDX FUZZ_TORCH FUZZ_IMAGE FUZZ_CSV FUZZ_ONNX")
        #endif
    } catch is FormatError {
    } catch {
        fatalError("non-FormatError thrown: \(error)")
    }
    return 0
}
