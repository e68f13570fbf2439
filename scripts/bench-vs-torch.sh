#!/usr/bin/env bash
# Runs the paper's workloads in PyTorch (scripts/peer_torch.py) and in Isthmus (isthmus bench) one after the other on
# the same machine and prints the ratio Isthmus / PyTorch per workload (< 1: Isthmus is faster), with the CPU and
# the ISA each side dispatches on.
#   scripts/bench-vs-torch.sh [--threads 2] [--quick] [--only NAME] [--onnx MODEL [--onnx-only] [--rounds N]]
# --onnx resnet18|efficientnet-lite0 also compares the ONNX export of MODEL (data/onnx/, from
# scripts/golden/make_onnx_fixtures.py --full) run by Isthmus with the native model, onnxruntime (sweep) and PyTorch
# (sweep, bypass step): N rounds (default 3) alternating scripts/peer_onnx.py and `isthmus _onnx-vs-native`, medians
# of the per-round ratios, with `uptime` before each round; --onnx-only skips the other workloads.
# The PyTorch side runs in a virtual environment this script creates (.venv-torch, git-ignored; TORCH_VENV=DIR uses
# another) with torch, torchvision and efficientnet-lite-pytorch (for the EfficientNet-Lite0 workloads).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2; quick=""; only=""; onnx=""; onnx_only=""; rounds=3
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads=$2; shift 2 ;;
        --quick) quick="--quick"; shift ;;
        --only) only=$2; shift 2 ;;
        --onnx) onnx=$2; shift 2 ;;
        --onnx-only) onnx_only=1; shift ;;
        --rounds) rounds=$2; shift 2 ;;
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
if [ -n "$onnx" ]; then
    case "$onnx" in
        resnet18) weights=data/onnx/resnet18.pth ;;
        efficientnet-lite0) weights=data/efficientnet-lite0.pth ;;
        *) echo "bench-vs-torch: --onnx takes resnet18 or efficientnet-lite0, not $onnx" >&2; exit 2 ;;
    esac
    case "$rounds" in ''|*[!0-9]*|0) echo "bench-vs-torch: --rounds takes a positive integer" >&2; exit 2 ;; esac
    for f in "data/onnx/$onnx.onnx" "$weights"; do
        [ -f "$f" ] || { echo "bench-vs-torch: $f is missing: run scripts/setup.sh, then $venv/bin/python scripts/golden/make_onnx_fixtures.py --full" >&2; exit 1; }
    done
    "$venv/bin/python" -c "import onnxruntime" 2>/dev/null || "$venv/bin/pip" install -q onnxruntime
    onnx_out=$(mktemp -d)
    grep -m1 'model name' /proc/cpuinfo || true
    for r in $(seq 1 "$rounds"); do
        echo "== ONNX $onnx, round $r of $rounds; $(uptime)"
        "$venv/bin/python" scripts/peer_onnx.py --threads "$threads" --model "$onnx" --out "$onnx_out/peer$r.json"
        .build/release/isthmus _onnx-vs-native --onnx "data/onnx/$onnx.onnx" --model "$onnx" --weights "$weights" \
            --threads "$threads" --json "$onnx_out/isthmus$r.json"
    done
    python3 - "$onnx" "$onnx_out" "$rounds" <<'PY'
import json, statistics, sys
model, d, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
peer = [json.load(open(f"{d}/peer{r}.json")) for r in range(1, rounds + 1)]
ours = [json.load(open(f"{d}/isthmus{r}.json")) for r in range(1, rounds + 1)]
med = statistics.median
rows = [("sweep-250", "sweepMs", ("onnxruntime", "pytorch")), ("bypass-step", "bypassMs", ("pytorch",))]
print(f"\n{model}: medians over {rounds} rounds (ms); ratios are medians of per-round ratios, lower is better")
print(f"{'workload':12s} {'Isthmus ONNX':>13s} {'Isthmus native':>15s} {'onnxruntime':>12s} {'PyTorch':>10s} "
      f"{'ONNX/native':>12s} {'ONNX/ort':>9s} {'ONNX/torch':>11s}")
for name, key, peers in rows:
    o = [x["onnx"][key] for x in ours]
    n = [x["native"][key] for x in ours]
    ort = [p["onnxruntime"][key] for p in peer] if "onnxruntime" in peers else None
    pt = [p["pytorch"][key] for p in peer]
    ratio = lambda a, b: med([x / y for x, y in zip(a, b)])
    print(f"{name:12s} {med(o):13.1f} {med(n):15.1f} {med(ort) if ort else float('nan'):12.1f} {med(pt):10.1f} "
          f"{ratio(o, n):12.3f} {ratio(o, ort) if ort else float('nan'):9.3f} {ratio(o, pt):11.3f}")
m, q = peer[0]["_meta"], ours[0]["_meta"]
print(f"(onnxruntime {m['onnxruntime']}, torch {m['torch']} on {m['cpuCapability']}; Isthmus on oneDNN {q['oneDNNISA']}; "
      f"{q['threads']} threads; {q['cpu']})")
PY
    [ -z "$onnx_only" ] || exit 0
fi
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
