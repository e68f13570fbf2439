#!/usr/bin/env bash
# Fig 6 under the paper's protocol on a folder of crops of the bundled photos, with EfficientNet-Lite0, and the
# per-part costs of a pair (for estimating the full 1000-class protocol). Needs data/ from scripts/setup.sh.
#   scripts/photo-crops-fig6.sh [OUT] [VIEWS] [BYPASS_ITERATIONS]
# OUT (default runs/photo-crops) receives crops/ (isthmus photo-folder), barriers/ (isthmus barriers --protocol paper)
# and costs.txt (isthmus _folder-costs). VIEWS crops per photo (default 10); BYPASS_ITERATIONS of the bypass that
# only feeds the bypassedMax score (default 1024, the paper's; Fig 6's max and gap come from the straight segment).
# ISTHMUS names the binary (default .build/release/isthmus: build it with swift build -c release).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/photo-crops}
views=${2:-10}
bypass=${3:-1024}
isthmus=${ISTHMUS:-.build/release/isthmus}
model=(--model efficientnet-lite0 --weights data/efficientnet-lite0.pth)
[ -x "$isthmus" ] || { echo "error: $isthmus not found; run swift build -c release or set ISTHMUS" >&2; exit 1; }
[ -f data/efficientnet-lite0.pth ] || { echo "error: data/efficientnet-lite0.pth missing; run scripts/setup.sh" >&2; exit 1; }
mkdir -p "$out"
[ -d "$out/crops" ] || "$isthmus" photo-folder --views "$views" --out "$out/crops"
"$isthmus" _folder-costs "${model[@]}" --data "imagefolder:$out/crops" --images 40 --reps 5 | tee "$out/costs.txt"
resume=(); [ -f "$out/barriers/config.hash" ] && resume=(--resume)
start=$(date +%s)
"$isthmus" barriers "${model[@]}" --data "imagefolder:$out/crops" --protocol paper --bypass-iterations "$bypass" \
    --out "$out/barriers" "${resume[@]}"
echo "barriers: $(( $(date +%s) - start )) s wall" | tee -a "$out/costs.txt"
