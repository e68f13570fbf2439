"""Writes the seed corpus for scripts/fuzz.sh: the golden fixtures of the format tests plus small hand-made files."""
import base64, os, re, struct, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]
golden = open(os.path.join(root, "Tests/IsthmusFormatsTests/GoldenFixtures.swift")).read()
fixtures = {m.group(1): base64.b64decode(m.group(2))
            for m in re.finditer(r'static let (\w+) = \[UInt8\]\(Data\(base64Encoded: "([^"]*)"\)!\)', golden)}

def st(header, data):
    h = header.encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data

def npy(descr, shape, data):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    h += " " * (-(len(h) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + data

seeds = {
    "npy": {k: v for k, v in fixtures.items() if k.startswith("npy")},
    "safetensors": {"torch": fixtures["torchSafetensors"],
                    "meta": st('{"__metadata__":{"a":"b"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', bytes(8)),
                    "two": st('{"x":{"dtype":"U8","shape":[1,2],"data_offsets":[0,2]},"y":{"dtype":"BOOL","shape":[],"data_offsets":[2,3]}}', bytes(3))},
    "idx": {"images": struct.pack(">IIII", 0x803, 2, 2, 3) + bytes(range(12)),
            "labels": struct.pack(">II", 0x801, 3) + bytes([1, 2, 3]),
            "matrix": struct.pack(">III", 0x802, 2, 2) + bytes(4)},
    "torch": {k: v for k, v in fixtures.items() if k.endswith("Pth")},
    "image": {k: v for k, v in fixtures.items() if k.startswith(("png", "jpeg"))},
    "csv": {"two": b"\n".join(b",".join(str((i * 37 + r) % 256).encode() for i in range(784)) + b",%d" % r for r in range(2)) + b"\n",
            "crlf": b",".join([b"0"] * 784) + b",7\r\n"},
}

def pb_varint(v):
    v &= (1 << 64) - 1
    out = b""
    while v >= 0x80:
        out += bytes([v & 0x7f | 0x80]); v >>= 7
    return out + bytes([v])

def pb(field, value):
    """One protobuf field: int -> varint, float -> fixed32, bytes/str -> length-delimited."""
    if isinstance(value, float):
        return pb_varint(field << 3 | 5) + struct.pack("<f", value)
    if isinstance(value, int):
        return pb_varint(field << 3) + pb_varint(value)
    if isinstance(value, str):
        value = value.encode()
    return pb_varint(field << 3 | 2) + pb_varint(len(value)) + value

def onnx_model(nodes, inits, subgraph=False):
    dims = lambda ds: b"".join(pb(1, pb(1, d) if isinstance(d, int) else pb(2, d)) for d in ds)
    vi = lambda name, ds: pb(1, name) + pb(2, pb(1, pb(1, 1) + pb(2, dims(ds))))
    g = b"".join(nodes) + pb(2, "g") + b"".join(inits) + pb(11, vi("x", ["N", 1, 4, 4])) + pb(12, vi("y", ["N", 2]))
    return pb(1, 8) + pb(8, pb(1, "") + pb(2, 17)) + pb(7, g)

node = lambda op, ins, outs, attrs=b"": b"".join(pb(1, i) for i in ins) + b"".join(pb(2, o) for o in outs) + pb(4, op) + attrs
w = pb(1, pb_varint(2) + pb_varint(1) + pb_varint(1) + pb_varint(1)) + pb(2, 1) + pb(8, "w") + pb(9, struct.pack("<2f", 1, -2))
b = pb(1, pb_varint(2)) + pb(2, 1) + pb(8, "b") + pb(4, struct.pack("<2f", 0.5, 0.25))
shape = pb(1, pb_varint(2)) + pb(2, 7) + pb(8, "s") + pb(7, pb_varint(1) + pb_varint((1 << 64) - 1))
pads = pb(5, pb(1, "pads") + pb(8, pb_varint(1) * 4) + pb(20, 7))
alpha = pb(5, pb(1, "alpha") + pb(2, 0.1))
then = pb(5, pb(1, "then_branch") + pb(6, node("Relu", ["x"], ["r"])) + pb(20, 5))
seeds["onnx"] = {
    "conv": onnx_model([pb(1, node("Conv", ["x", "w", "b"], ["c"], pads)), pb(1, node("LeakyRelu", ["c"], ["l"], alpha)),
                        pb(1, node("Reshape", ["l", "s"], ["y"]))], [pb(5, w), pb(5, b), pb(5, shape)]),
    "if": onnx_model([pb(1, node("If", ["c"], ["y"], then))], []),
    "external": onnx_model([], [pb(5, pb(1, pb_varint(4)) + pb(2, 1) + pb(8, "e") + pb(13, pb(1, "location") + pb(2, "w.bin"))
                                   + pb(14, 1))]),
}
import gzip
seeds["csv"]["gz"] = gzip.compress(seeds["csv"]["two"])
v2header = npy("<i4", "(1,)", b"")[10:]
seeds["npy"]["v2"] = b"\x93NUMPY\x02\x00" + struct.pack("<I", len(v2header)) + v2header + bytes(4)
seeds["npy"]["u1"] = npy("|u1", "(2, 1)", b"\x01\x02")
for target, files in seeds.items():
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    for name, data in files.items():
        open(os.path.join(d, name), "wb").write(data)
