import CZlib
import Foundation

/// zlib inflate/deflate with bounded output.
enum Zlib {
    /// Inflates `input`. `windowBits`: 15+32 for zlib or gzip (auto-detected), -15 for raw DEFLATE.
    /// Throws if the stream is corrupt, truncated, or would exceed `limit` bytes.
    static func inflate(_ input: ArraySlice<UInt8>, windowBits: Int32 = 15 + 32, limit: Int = 1 << 30,
                        expected: Int? = nil, label: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FormatError(file: label, reason: "zlib initialisation failed")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        out.reserveCapacity(Swift.min(expected ?? input.count * 4, limit, input.count * 1032 + 64))  // DEFLATE expands at most ~1032:1
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return c.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && produced > 0) else {
                    if status == Z_BUF_ERROR { throw FormatError(file: label, reason: "truncated compressed data") }
                    let msg = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                    throw FormatError(file: label, reason: "corrupt compressed data (\(msg))")
                }
                guard out.count + produced <= limit else {
                    throw FormatError(file: label, reason: "decompressed data exceeds the \(limit)-byte limit")
                }
                out.append(contentsOf: chunk[0..<produced])
                if status != Z_STREAM_END && produced == 0 && stream.avail_in == 0 {
                    throw FormatError(file: label, reason: "truncated compressed data")
                }
            } while status != Z_STREAM_END
        }
        return out
    }

    /// Compresses `input`; `gzip` selects a gzip header instead of zlib's.
    static func deflate(_ input: [UInt8], gzip: Bool = false) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 31 : 15, 8, Z_DEFAULT_STRATEGY,
                      ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var input = input
        let n: Int = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                CZlib.deflate(&stream, Z_FINISH)
                return o.count - Int(stream.avail_out)
            }
        }
        return Array(out[0..<n])
    }

    static func crc32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        bytes.withContiguousStorageIfAvailable { UInt32(crc32_z(0, $0.baseAddress, z_size_t($0.count))) }
            ?? Array(bytes).withUnsafeBufferPointer { UInt32(crc32_z(0, $0.baseAddress, z_size_t($0.count))) }
    }

    static func isGzip(_ b: [UInt8]) -> Bool { b.count >= 2 && b[0] == 0x1F && b[1] == 0x8B }

    /// Reads `path`, gunzipping if it starts with the gzip magic.
    static func readMaybeGzip(_ path: String, limit: Int = 1 << 30) throws -> [UInt8] {
        let raw = try readFile(path)
        return isGzip(raw) ? try inflate(raw[...], limit: limit, label: path) : raw
    }
}
