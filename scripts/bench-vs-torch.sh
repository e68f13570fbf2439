#!/usr/bin/env bash
# Runs the paper's workloads in PyTorch (scripts/peer_torch.py) and in Isthmus (isthmus bench) one after the other on
# the same machine and prints the ratio Isthmus / PyTorch per workload (< 1: Isthmus is faster), with the CPU and
# the ISA each side dispatches on.
#   scripts/bench-vs-torch.sh [--threads 2] [--quick] [--only NAME]
# The PyTorch side runs in a virtual environment this script creates (.venv-torch, git-ignored; TORCH_VENV=DIR uses
# another) with torch, torchvision and efficientnet-lite-pytorch (for the EfficientNet-Lite0 workloads).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2; quick=""; only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads=$2; shift 2 ;;
        --quick) quick="--quick"; shift ;;
        --only) only=$2; shift 2 ;;
        *) echo "bench-vs-torch: unknown option $1" >&2; exit 2 ;;
    esac
done
venv=${TORCH_VENV:-.venv-torch}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch torchvision
    "$venv/bin/pip" install -q --no-deps efficientnet-lite-pytorch==0.1.0
fi
swift build -c release >/dev/null
out=$(mktemp -d)
grep -m1 'model name' /proc/cpuinfo || true
echo "== PyTorch ($threads threads)"
"$venv/bin/python" scripts/peer_torch.py --threads "$threads" $quick ${only:+--only "$only"} --out "$out/peer.json"
echo "== Isthmus ($threads threads)"
.build/release/isthmus bench --threads "$threads" $quick ${only:+--workload "$only"} --json "$out/isthmus.json"
python3 - "$out/peer.json" "$out/isthmus.json" <<'PY'
import json, sys
peer, ours = (json.load(open(p)) for p in sys.argv[1:3])
print(f"\n{'workload':32s} {'PyTorch ms':>12s} {'Isthmus ms':>12s} {'ratio':>7s}")
for name, p in peer.items():
    if name.startswith("_") or name not in ours:
        continue
    o = ours[name]
    print(f"{name:32s} {p['ms']:12.2f} {o['ms']:12.2f} {o['ms'] / p['ms']:7.2f}")
print(f"\n(torch {peer['_meta'].get('torch')} on {peer['_meta'].get('cpuCapability')}, Isthmus on oneDNN "
      f"{ours['_meta'].get('oneDNNISA')}, {peer['_meta'].get('threads')} threads; ratio = Isthmus / PyTorch, lower is better)")
PY
