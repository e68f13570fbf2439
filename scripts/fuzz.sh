#!/usr/bin/env bash
# Builds and runs a libFuzzer target for the IsthmusFormats parsers.
# Usage: scripts/fuzz.sh TARGET SECONDS   (TARGET: npy safetensors idx torch image csv onnx)
# Corpus (seeds + new interesting inputs): fuzz-corpus-tmp/TARGET/; crashes: fuzz-corpus-tmp/crashes-TARGET/.
# Afterwards, python3 Fuzz/embed_corpus.py copies crashes and a minimized corpus into FuzzCorpusTests.swift.
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
case $target in
  npy|safetensors|idx|torch|image|csv|onnx) ;;
  *) echo "fuzz.sh: unknown target '$target' (npy safetensors idx torch image csv onnx)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
flag=FUZZ_$(echo "$target" | tr a-z A-Z)
bin=.build/fuzz/fuzz-$target
mkdir -p .build/fuzz "fuzz-corpus-tmp/$target" "fuzz-corpus-tmp/crashes-$target"
if [[ ! -x $bin || -n $(find Fuzz/Harness.swift Sources/IsthmusFormats -newer "$bin" -print -quit) ]]; then
  swiftc -sanitize=fuzzer,address -parse-as-library -O -D "$flag" -module-name IsthmusFormats \
    Fuzz/Harness.swift Sources/IsthmusFormats/*.swift -I Sources/CZlib -I Sources/CJPEG -lz -ljpeg \
    -o "$bin" 2> >(grep -v "Cannot export local symbol" >&2)
fi
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
python3 Fuzz/make_seeds.py "$seeds"
# Parsers allocate in proportion to their input, so a large allocation from a small input is a finding.
"$bin" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
  -print_final_stats=1 -artifact_prefix="fuzz-corpus-tmp/crashes-$target/" \
  "fuzz-corpus-tmp/$target" "$seeds/$target"
