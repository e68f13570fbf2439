"""Generates Tests/IsthmusFormatsTests/GoldenFixtures.swift: small files written by
PyTorch, safetensors and a reference PNG encoder, embedded as base64.

Run: python scripts/golden/make_format_fixtures.py
"""
import base64, io, os, pickle, struct, zipfile, zlib
import numpy as np
import torch
from safetensors.torch import save_file
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "IsthmusFormatsTests", "GoldenFixtures.swift")
fixtures = {}


def state_dict():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 4  # fc1.weight, values k/4
    shared = torch.arange(10, dtype=torch.float32)
    return {
        "fc1.weight": base,
        "fc1.bias": torch.tensor([0.5, -1.0, 2.0]),
        # non-contiguous: [2,3] view of a [3,2] storage, values (i*2+j) - 3 transposed
        "fc2.weight": (torch.arange(6, dtype=torch.float32).reshape(3, 2) - 3).t(),
        "fc2.bias": torch.tensor([1.5, -2.5], dtype=torch.float64),
        # two views of one storage; the second starts at offset 4
        "shared.full": shared,
        "shared.tail": shared[4:].view(2, 3),
        "bn.num_batches_tracked": torch.tensor(7, dtype=torch.int64),
        "steps": torch.tensor([1, -2, 3_000_000_000], dtype=torch.int64),
        "half": torch.tensor([1.0, -0.5, 65504.0], dtype=torch.float16),
    }


def torch_bytes(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


sd = state_dict()
ckpt = torch_bytes(sd)
fixtures["ckptPth"] = ckpt
legacy = io.BytesIO()
torch.save(sd, legacy, _use_new_zipfile_serialization=False)
fixtures["legacyPth"] = legacy.getvalue()
fixtures["nestedPth"] = torch_bytes({"epoch": 3, "state_dict": {"w": torch.ones(2, 2)}})

# The same archive recompressed with DEFLATE.
src = zipfile.ZipFile(io.BytesIO(ckpt))
out = io.BytesIO()
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for info in src.infolist():
        z.writestr(info.filename, src.read(info.filename))
fixtures["deflatedPth"] = out.getvalue()


# A checkpoint whose pickle calls os.system: must be refused, never run.
class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


out = io.BytesIO()
with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", pickle.dumps({"w": Evil()}, protocol=2))
    z.writestr("archive/version", "3\n")
fixtures["evilPth"] = out.getvalue()

# safetensors written by the Python library.
st = {
    "b": torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
    "a": torch.tensor([1, -2, 3], dtype=torch.int64),
    "h": torch.tensor([0.5, -2.0], dtype=torch.float16),
    "bf": torch.tensor([1.0, -3.0], dtype=torch.bfloat16),
    "d": torch.tensor([0.25], dtype=torch.float64),
    "empty": torch.zeros(0, 3),
}
save_file(st, "/tmp/isthmus_golden.safetensors", metadata={"format": "pt"})
fixtures["torchSafetensors"] = open("/tmp/isthmus_golden.safetensors", "rb").read()

# npy written by numpy.
for name, arr in {
    "npyF4": np.arange(6, dtype="<f4").reshape(2, 3) / 2,
    "npyI8": np.array([[-1, 2], [3, 1 << 40]], dtype="<i8"),
    "npyF2": np.array([1.0, -0.5, 0.0], dtype="<f2"),
    "npyB1": np.array([True, False, True]),
    "npyScalarF8": np.array(2.5, dtype="<f8"),
}.items():
    b = io.BytesIO()
    np.save(b, arr)
    fixtures[name] = b.getvalue()


# PNGs: pixel(x, y, c) = (x*7 + y*13 + c*50) % 256; 16-bit samples are v*257 + 1.
def value(x, y, c):
    return (x * 7 + y * 13 + c * 50) % 256


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp):
    """Row y of a (sub-)image uses filter type y % 5."""
    raw = b""
    prev = bytes(len(rows[0]))
    for y, row in enumerate(rows):
        ft = y % 5
        out = bytearray()
        for i, v in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ft]
            out.append((v - pred) & 0xFF)
        raw += bytes([ft]) + bytes(out)
        prev = row
    return raw


def encode_png(w, h, color_type, depth, rows, palette=None, raw=None, interlace=0):
    """Reference encoder; `raw` overrides the filtered image data (for interlacing)."""
    bpp = max(1, {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type] * depth // 8)
    raw = raw if raw is not None else filter_rows(rows, bpp)

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, interlace))
    if palette is not None:
        png += chunk(b"PLTE", bytes(palette))
    z = zlib.compress(raw)
    png += chunk(b"IDAT", z[: len(z) // 2]) + chunk(b"IDAT", z[len(z) // 2 :])  # split IDAT
    return png + chunk(b"IEND", b"")


W, H = 7, 6
channels = {0: 1, 2: 3, 4: 2, 6: 4}
for ct, name in [(0, "Gray"), (2, "RGB"), (4, "GrayAlpha"), (6, "RGBA")]:
    for depth in (8, 16):
        rows = []
        for y in range(H):
            row = bytearray()
            for x in range(W):
                for c in range(channels[ct]):
                    v = value(x, y, c)
                    row += bytes([v]) if depth == 8 else struct.pack(">H", v * 257 + 1)
            rows.append(bytes(row))
        png = encode_png(W, H, ct, depth, rows)
        im = np.asarray(Image.open(io.BytesIO(png)))  # Pillow must agree with the formula
        if depth == 8:
            exp = np.array([[[value(x, y, c) for c in range(channels[ct])] for x in range(W)] for y in range(H)])
            assert (im.reshape(exp.shape) == exp).all(), name
        fixtures[f"png{name}{depth}"] = png

palette = [0, 0, 0, 255, 0, 0, 0, 255, 0, 10, 20, 30]
rows = [bytes([(x + y) % 4 for x in range(W)]) for y in range(H)]
png = encode_png(W, H, 3, 8, rows, palette)
assert (np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))[1, 2] == [10, 20, 30]).all()
fixtures["pngPalette"] = png

# Adam7-interlaced RGB, 8-bit.
raw = b""
for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
    prow = [bytes(value(x, y, c) for x in range(x0, W, dx) for c in range(3)) for y in range(y0, H, dy)]
    if prow and prow[0]:
        raw += filter_rows(prow, 3)
png = encode_png(W, H, 2, 8, None, raw=raw, interlace=1)
exp = np.array([[[value(x, y, c) for c in range(3)] for x in range(W)] for y in range(H)])
assert (np.asarray(Image.open(io.BytesIO(png))) == exp).all()
fixtures["pngInterlacedRGB8"] = png

# 4-bit gray: sample = value(x, y, 0) >> 4, decoded as sample * 17.
rows = []
for y in range(H):
    s4 = [value(x, y, 0) >> 4 for x in range(W)] + [0]
    rows.append(bytes((s4[i] << 4) | s4[i + 1] for i in range(0, W, 2)))
png = encode_png(W, H, 0, 4, rows)
exp = np.array([[(value(x, y, 0) >> 4) * 17 for x in range(W)] for y in range(H)])
assert (np.asarray(Image.open(io.BytesIO(png))).astype(int) == exp).all()  # Pillow scales to 0-255 too
fixtures["pngGray4"] = png

# One written by Pillow itself.
img = Image.fromarray(np.array([[[value(x, y, c) for c in range(3)] for x in range(W)] for y in range(H)], dtype=np.uint8))
b = io.BytesIO()
img.save(b, format="PNG")
fixtures["pngPillowRGB"] = b.getvalue()
b = io.BytesIO()
img.save(b, format="JPEG", quality=95)
fixtures["jpegPillowRGB"] = b.getvalue()
b = io.BytesIO()
img.convert("L").save(b, format="JPEG", quality=95)
fixtures["jpegPillowGray"] = b.getvalue()

with open(OUT, "w") as f:
    f.write("// Generated by scripts/golden/make_format_fixtures.py; do not edit.\n")
    f.write("import Foundation\n\nenum Golden {\n")
    for k, v in fixtures.items():
        f.write(f'    static let {k} = [UInt8](Data(base64Encoded: "{base64.b64encode(v).decode()}")!)\n')
    f.write("}\n")
print("wrote", OUT, {k: len(v) for k, v in fixtures.items()})
