#!/usr/bin/env bash
# Renders a run's report in headless Chromium and writes PNG screenshots, to check that the page looks right in a
# real browser (tables, inline SVG figures, images).  Usage: scripts/screenshot-report.sh RUN_DIR [OUT_PREFIX]
# Installs Debian's chromium if it is missing. Writes OUT_PREFIX-1.png ... (1200 px wide, one per 3000 px of page).
set -euo pipefail
run=${1:?usage: scripts/screenshot-report.sh RUN_DIR [OUT_PREFIX]}
out=${2:-$run/screenshot}
[ -f "$run/index.html" ] || { echo "screenshot-report: $run/index.html not found" >&2; exit 2; }
if ! command -v chromium >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
page="file://$(cd "$run" && pwd)/index.html"
full="$out-full.png"
timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,12000 --screenshot="$full" "$page" 2>/dev/null
python3 - "$full" "$out" <<'PY'
import sys, zlib, struct
# Split the tall PNG into 3000-px pages with the standard library only (no Pillow needed).
data = open(sys.argv[1], "rb").read()
pos, chunks = 8, []
while pos < len(data):
    n = struct.unpack(">I", data[pos:pos + 4])[0]; kind = data[pos + 4:pos + 8]; chunks.append((kind, data[pos + 8:pos + 8 + n])); pos += 12 + n
ihdr = next(c for k, c in chunks if k == b"IHDR")
w, h, depth, ctype = struct.unpack(">IIBB", ihdr[:10])
bpp = {2: 3, 6: 4}[ctype]
raw = zlib.decompress(b"".join(c for k, c in chunks if k == b"IDAT"))
stride = w * bpp
rows, prev, i = [], bytearray(stride), 0
for _ in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line)); prev = line
last = max((r for r in range(h) if rows[r] != rows[-1]), default=h - 1) + 40
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xffffffff)
for n, top in enumerate(range(0, min(last, h), 3000), 1):
    part = rows[top:min(top + 3000, last, h)]
    body = zlib.compress(b"".join(b"\0" + r for r in part), 6)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, len(part), 8, ctype, 0, 0, 0)) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    open(f"{sys.argv[2]}-{n}.png", "wb").write(png); print(f"{sys.argv[2]}-{n}.png")
PY
rm -f "$full"
