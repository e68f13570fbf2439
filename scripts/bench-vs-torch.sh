#!/usr/bin/env bash
# Runs the paper's workloads in PyTorch (scripts/peer_torch.py), the sweeps also in onnxruntime (scripts/peer_onnx.py
# --sweeps: the same PyTorch models exported to ONNX in a temporary directory) and all of them in Isthmus
# (isthmus bench) on the same machine, and prints one table: per workload the three times and the ratios
# Isthmus / PyTorch and Isthmus / onnxruntime (< 1: Isthmus is faster), with the CPU, the ISA each side dispatches
# on and the versions. The whole-run rows compare Isthmus' batched run, and its pair-by-pair one (-sequential),
# with the paper's pair-by-pair procedure in PyTorch.
#   scripts/bench-vs-torch.sh [--threads 2] [--quick] [--only NAME] [--rounds N] [--isa avx2]
#                             [--onnx MODEL [--onnx-only]]
# --isa avx2 caps Isthmus' and PyTorch's oneDNN at AVX2 (ONEDNN_MAX_CPU_ISA=AVX2) and PyTorch's own kernels too
# (ATEN_CPU_CAPABILITY=avx2), so an AVX-512 machine measures the AVX2 paths; onnxruntime cannot be capped (it
# picks its kernels from the CPU's feature flags), so its column stays at the machine's ISA.
# --rounds N (default 1; 3 with --onnx) runs N rounds, `uptime` before each; in a round each workload runs on every
# side back to back (PyTorch, onnxruntime, Isthmus) before the next workload. The table gives medians over rounds,
# ratios as medians of the per-round ratios.
# --onnx resnet18|efficientnet-lite0 also compares the ONNX export of MODEL (data/onnx/, from
# scripts/golden/make_onnx_fixtures.py --full) run by Isthmus with the native model, onnxruntime (sweep) and PyTorch
# (sweep, bypass step): N rounds alternating scripts/peer_onnx.py and `isthmus _onnx-vs-native`; --onnx-only skips
# the other workloads.
# The peers run in a virtual environment this script creates (.venv-torch, git-ignored; TORCH_VENV=DIR uses
# another) with pinned torch, torchvision, onnx, onnxruntime, numpy and efficientnet-lite-pytorch (for the
# EfficientNet-Lite0 workloads).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2; quick=""; only=""; onnx=""; onnx_only=""; rounds=""
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) threads=$2; shift 2 ;;
        --quick) quick="--quick"; shift ;;
        --only) only=$2; shift 2 ;;
        --onnx) onnx=$2; shift 2 ;;
        --onnx-only) onnx_only=1; shift ;;
        --rounds) rounds=$2; shift 2 ;;
        --isa) case "$2" in
                   avx2) export ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 ;;
                   *) echo "bench-vs-torch: --isa takes avx2, not $2" >&2; exit 2 ;;
               esac; shift 2 ;;
        *) echo "bench-vs-torch: unknown option $1" >&2; exit 2 ;;
    esac
done
venv=${TORCH_VENV:-.venv-torch}
# PyTorch's OpenMP runtime (libgomp) waits the way `isthmus` sets its own: a short spin (GOMP_SPINCOUNT=20000) unless
# GOMP_SPINCOUNT or OMP_WAIT_POLICY is given; spinning idle threads cost a loaded machine dearly.
if [ -z "${GOMP_SPINCOUNT:-}" ] && [ -z "${OMP_WAIT_POLICY:-}" ]; then export GOMP_SPINCOUNT=20000; fi
case "$rounds" in '') ;; *[!0-9]*|0) echo "bench-vs-torch: --rounds takes a positive integer" >&2; exit 2 ;; esac
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch==2.15.0 torchvision==0.29.2 onnx==1.23.2 onnxruntime==1.32.0 numpy==2.4.6
    "$venv/bin/pip" install -q --no-deps efficientnet-lite-pytorch==0.1.0
fi
"$venv/bin/python" -c "import onnx, onnxruntime" 2>/dev/null || "$venv/bin/pip" install -q onnx==1.23.2 onnxruntime==1.32.0
swift build -c release >/dev/null
if [ -n "$onnx" ]; then
    case "$onnx" in
        resnet18) weights=data/onnx/resnet18.pth ;;
        efficientnet-lite0) weights=data/efficientnet-lite0.pth ;;
        *) echo "bench-vs-torch: --onnx takes resnet18 or efficientnet-lite0, not $onnx" >&2; exit 2 ;;
    esac
    onnx_rounds=${rounds:-3}
    for f in "data/onnx/$onnx.onnx" "$weights"; do
        [ -f "$f" ] || { echo "bench-vs-torch: $f is missing: run scripts/setup.sh, then $venv/bin/python scripts/golden/make_onnx_fixtures.py --full" >&2; exit 1; }
    done
    onnx_out=$(mktemp -d)
    grep -m1 'model name' /proc/cpuinfo || true
    for r in $(seq 1 "$onnx_rounds"); do
        echo "== ONNX $onnx, round $r of $onnx_rounds; $(uptime)"
        "$venv/bin/python" scripts/peer_onnx.py --threads "$threads" --model "$onnx" --out "$onnx_out/peer$r.json"
        .build/release/isthmus _onnx-vs-native --onnx "data/onnx/$onnx.onnx" --model "$onnx" --weights "$weights" \
            --threads "$threads" --json "$onnx_out/isthmus$r.json"
    done
    python3 - "$onnx" "$onnx_out" "$onnx_rounds" <<'PY'
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
rounds=${rounds:-1}
start=$(date +%s)
# Each workload runs on every side back to back (PyTorch, onnxruntime for the sweeps, Isthmus) before the next one
# starts, so a machine whose speed drifts over minutes (a shared VM) favours no side.
names=$(.build/release/isthmus bench --list ${only:+--workload "$only"} | grep -v -- '-sequential$')
for r in $(seq 1 "$rounds"); do
    echo "== round $r of $rounds ($threads threads each side); $(uptime)" | tee -a "$out/uptime.txt"
    i=0
    for name in $names; do
        i=$((i + 1))
        "$venv/bin/python" scripts/peer_torch.py --threads "$threads" $quick --only "$name" --out "$out/peer$r-$i.json"
        case "$name" in
            sweep-*) "$venv/bin/python" scripts/peer_onnx.py --sweeps --threads "$threads" $quick --only "$name" \
                         --out "$out/ort$r-$i.json" 2> >(grep -v -e Warning -e '_C._jit' >&2) ;;
        esac
        .build/release/isthmus bench --threads "$threads" $quick --workload "$name" --json "$out/isthmus$r-$i.json" \
            | tail -n +2
    done
done
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //' || true)
python3 - "$out" "$rounds" "$(( $(date +%s) - start ))" "${cpu:-unknown CPU}" <<'PY'
import glob, json, os, statistics, sys
d, rounds, seconds, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def load(kind):
    """Per round, the workloads' JSON files of one side merged in the order they ran."""
    runs = []
    for r in range(1, rounds + 1):
        files = sorted(glob.glob(f"{d}/{kind}{r}-*.json"), key=lambda f: int(f.rsplit("-", 1)[1][:-5]))
        merged = {}
        for f in files:
            merged.update(json.load(open(f)))
        runs.append(merged)
    return runs

peer, ort, ours = load("peer"), load("ort"), load("isthmus")
med = statistics.median


def ms(runs, name):
    return [x[name]["ms"] for x in runs] if all(name in x for x in runs) else None


def ratio(a, b):
    return med([x / y for x, y in zip(a, b)]) if a and b else None


def f(x, digits):
    return f"{x:.{digits}f}" if x is not None else "-"


print(f"\n{'workload':44s} {'Isthmus ms':>12s} {'PyTorch ms':>12s} {'ort ms':>10s} {'Isthmus/PyTorch':>16s} {'Isthmus/ort':>12s}")
speedups = []
for name in ours[0]:
    if name.startswith("_"):
        continue
    base = name[:-len("-sequential")] if name.endswith("-sequential") else name
    o, p, q = ms(ours, name), ms(peer, base), ms(ort, name)
    print(f"{name:44s} {f(med(o), 2):>12s} {f(med(p) if p else None, 2):>12s} {f(med(q) if q else None, 2):>10s} "
          f"{f(ratio(o, p), 3):>16s} {f(ratio(o, q), 3):>12s}")
    if name.endswith("-sequential") and ms(ours, base):
        speedups.append((base, ratio(o, ms(ours, base))))
for base, s in speedups:
    print(f"{base}: batched speed-up {s:.2f}x (Isthmus pair-by-pair time / batched time)")
m, om, q = peer[0]["_meta"], ort[0].get("_meta", {}), ours[0]["_meta"]
print(f"\n({cpu}; {q['threads']} threads each side; Isthmus {q['isthmus']} on oneDNN ISA {q['oneDNNISA']}; "
      f"torch {m['torch']} on CPU capability {m['cpuCapability']}; onnxruntime {om.get('onnxruntime', '(not run)')}; "
      f"{rounds} round(s), medians, ratio = Isthmus / peer, lower is better; PyTorch rows of the whole runs are "
      f"the paper's pair-by-pair procedure; GOMP_SPINCOUNT {os.environ.get('GOMP_SPINCOUNT', 'unset')}, OMP_WAIT_POLICY "
      f"{os.environ.get('OMP_WAIT_POLICY', 'unset')}; ONEDNN_MAX_CPU_ISA {os.environ.get('ONEDNN_MAX_CPU_ISA', 'unset')}; "
      f"{seconds} s in all)")
print(open(f"{d}/uptime.txt").read().rstrip())
PY
