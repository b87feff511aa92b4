#!/usr/bin/env bash
# t-SNE benchmark, one run (issue 5): the browser's map worker (web/tsne_worker.js on the WASM core,
# one thread, under Node), the core in WASM and natively, and scikit-learn's TSNE natively (one OpenMP
# thread and its default), on the demo catalog's real embeddings and on 10k synthetic points, with the
# trustworthiness (k=10) of every layout. Prepends a section to docs/benchmarks/tsne.md.
#
#   nice -n 10 bash tools/bench/tsne/run.sh [--data FILE.f32] [--dim 200] [--large-n 10000]
#        [--iterations 1000] [--perplexity 30] [--init pca|random] [--repeat-small 3]
#        [--worker-module cuefinder_worker.js] [--no-sklearn-default-threads] [--timeout-s 1200]
#        [--work build/bench-tsne] [--report docs/benchmarks/tsne.md]
#
# Small set: --data, else the demo catalog's track embeddings (tools/bench/tsne/export_demo.py, from
# ~/.cache/cuefinder/demo/catalog/.work/analysis; `./cuefinder demo` builds it), else a synthetic
# 400 x 200 mixture. Large set: `gen_data.py mixture --n LARGE_N` (overlapping clusters, no copies;
# --large-n 0 skips it). Takes ~10–15 min on the 2-core VM (sklearn at 10k is the slow part).
# Needs python3-sklearn (Debian), node, and the launcher's native-release/wasm-release builds (made here).
#   bash tools/bench/tsne/run.sh --smoke   # seconds: 80 points through the built runners (tools/bench/smoke.mjs)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
export NODE_PATH=/usr/share/nodejs
# --smoke (tools/bench/smoke.mjs): the three cuefinder runners (native, WASM direct, map worker) on 80
# synthetic points, 50 iterations, from the already-built binaries; no scikit-learn, no report.
if [[ "${1:-}" == "--smoke" ]]; then
  OUT=build/bench-smoke/tsne
  NATIVE=build/native-release/tools/bench/tsne/bench_tsne WASM=build/wasm-release/tools/bench/tsne/bench_tsne.js
  [[ -f "$NATIVE" ]] || NATIVE=build/native-debug/tools/bench/tsne/bench_tsne  # made by ./cuefinder test
  WORKER=build/wasm-release/src/app/cuefinder_worker.js
  for f in "$NATIVE" "$WASM" "$WORKER"; do
    [[ -f "$f" ]] || { echo "skip: needs $f (./cuefinder build native-release bench_tsne; wasm-release bench_tsne cuefinder_worker)"; exit 0; }
  done
  mkdir -p "$OUT"
  $PY tools/bench/tsne/gen_data.py mixture "$OUT/mix80.f32" --n 80 --dim 16 --seed 1 >/dev/null
  A=(--data "$OUT/mix80.f32" --dim 16 --perplexity 10 --iterations 50 --repeat 1)
  "$NATIVE" "${A[@]}" --out "$OUT/native.f32"
  node "$WASM" "${A[@]}" --out "$OUT/wasm.f32"
  node tools/bench/tsne/bench_worker.mjs --module "$WORKER" "${A[@]}" --out "$OUT/worker.f32"
  exit 0
fi
# Benchmark-only peer: scikit-learn's TSNE (Debian python3-sklearn).
if ! dpkg-query -W -f='${Status}' python3-sklearn 2>/dev/null | grep -q "install ok installed"; then
  $( [ "$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends python3-sklearn >/dev/null
fi
OUT="build/bench-tsne"
REPORT="docs/benchmarks/tsne.md"
DATA="" DIM=200 LARGE_N=10000 REPEAT_SMALL=3 WORKER_MODULE=""
PASS=()
CMDLINE="bash tools/bench/tsne/run.sh${*:+ $*}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --report) REPORT="$2"; shift 2 ;;
    --work) OUT="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    --dim) DIM="$2"; shift 2 ;;
    --large-n) LARGE_N="$2"; shift 2 ;;
    --repeat-small) REPEAT_SMALL="$2"; shift 2 ;;
    --worker-module) WORKER_MODULE="$2"; shift 2 ;;
    --iterations|--init|--perplexity|--timeout-s) PASS+=("$1" "$2"); shift 2 ;;
    --no-sklearn-default-threads) PASS+=("$1"); shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
export NODE_PATH=/usr/share/nodejs
$PY -c 'import sklearn' 2>/dev/null || { echo "run.sh: needs python3-sklearn (apt-get install python3-sklearn)" >&2; exit 1; }
mkdir -p "$OUT"

# The benchmarks link the core library (tools/bench/tsne/CMakeLists.txt; the map worker is src/app's
# cuefinder_worker target), built by the launcher with the presets' flags (-O3, CF_SIMD; SIMD128 in
# WASM), so a change to the core's files cannot leave this benchmark unlinkable.
./cuefinder build native-release bench_tsne >&2
./cuefinder build wasm-release bench_tsne >&2
NATIVE=build/native-release/tools/bench/tsne/bench_tsne
WASM=build/wasm-release/tools/bench/tsne/bench_tsne.js
if [[ -z "$WORKER_MODULE" ]]; then
  ./cuefinder build wasm-release cuefinder_worker >&2
  WORKER_MODULE=build/wasm-release/src/app/cuefinder_worker.js
fi

SETS=() NOTES=()
if [[ -n "$DATA" ]]; then
  SETS+=("data=$DATA:$REPEAT_SMALL") NOTES+=("data=Given with --data.")
elif ls "$HOME"/.cache/cuefinder/demo/catalog/.work/analysis/*.json >/dev/null 2>&1; then
  nice -n 10 $PY tools/bench/tsne/export_demo.py "$OUT/demo_catalog.f32" --dim "$DIM"
  SETS+=("demo=$OUT/demo_catalog.f32:$REPEAT_SMALL")
  NOTES+=("demo=The demo catalog's real track embeddings (musicnn msd, 200-d track means; \`export_demo.py\` from ~/.cache/cuefinder/demo/catalog/.work/analysis).")
else
  echo "run.sh: no demo catalog (./cuefinder demo builds it); using a synthetic 400-point mixture" >&2
  nice -n 10 $PY tools/bench/tsne/gen_data.py mixture "$OUT/mixture_400x$DIM.f32" --n 400 --dim "$DIM" --seed 1
  SETS+=("mixture400=$OUT/mixture_400x$DIM.f32:$REPEAT_SMALL") NOTES+=("mixture400=Synthetic (\`gen_data.py mixture --n 400\`).")
fi
if [[ "$LARGE_N" -gt 0 ]]; then
  nice -n 10 $PY tools/bench/tsne/gen_data.py mixture "$OUT/mixture_${LARGE_N}x$DIM.f32" --n "$LARGE_N" --dim "$DIM" --seed 1
  SETS+=("mixture$LARGE_N=$OUT/mixture_${LARGE_N}x$DIM.f32:1")
  NOTES+=("mixture$LARGE_N=Synthetic, shaped like musicnn track embeddings: 16 overlapping styles in a 16-d latent space, ReLU read-out (\`gen_data.py mixture --n $LARGE_N --seed 1\`).")
fi
BENCH=(--native "$NATIVE" --wasm "$WASM" --worker-module "$WORKER_MODULE" --work "$OUT"
       --dim "$DIM" --report "$REPORT" --command "nice -n 10 $CMDLINE")
for s in "${SETS[@]}"; do BENCH+=(--set "$s"); done
for s in "${NOTES[@]}"; do BENCH+=(--set-note "$s"); done
nice -n 10 $PY tools/bench/tsne/bench.py "${BENCH[@]}" "${PASS[@]}"
sed -n '1,/^<details>/p' "$REPORT"
