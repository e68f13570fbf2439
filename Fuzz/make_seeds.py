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
