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
# Needs python3-sklearn (Debian), g++, em++ and node.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
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

# The benchmarks need only the map module and Status from the core: compile those sources directly
# with the project's flags (fast, and independent of the audio libraries and of other build dirs).
CORE_SRC=(src/core/map/knn.cpp src/core/map/pca.cpp src/core/map/quality.cpp src/core/map/tsne.cpp src/core/common/status.cpp)
nice -n 10 g++ -std=c++20 -O2 -DNDEBUG -DCF_SIMD=1 -ffp-contract=off -I src tools/bench/tsne/bench_tsne.cpp \
  "${CORE_SRC[@]}" -o "$OUT/bench_tsne"
# WASM: the wasm-release preset's flags (SIMD128, -O3) and cmake/CuefinderNode.cmake's Node link flags.
WASM_FLAGS=(-std=c++20 -O3 -DNDEBUG -DCF_SIMD=1 -msimd128 -ffp-contract=off -fexceptions -I src)
nice -n 10 em++ "${WASM_FLAGS[@]}" tools/bench/tsne/bench_tsne.cpp "${CORE_SRC[@]}" -o "$OUT/bench_tsne.js" \
  -sENVIRONMENT=node -sEXIT_RUNTIME=1 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sNODERAWFS=1 \
  --pre-js src/platform/web/node_fetch_fix.js
# The map worker's core: the same link flags as the cuefinder_worker CMake target.
if [[ -z "$WORKER_MODULE" ]]; then
  WORKER_MODULE="$OUT/cuefinder_worker.js"
  nice -n 10 em++ "${WASM_FLAGS[@]}" src/bindings/web/tsne_api.cpp src/bindings/web/abi.cpp "${CORE_SRC[@]}" -o "$WORKER_MODULE" \
    -sMODULARIZE=1 -sEXPORT_NAME=createCuefinderWorker -sENVIRONMENT=web,worker,node -sALLOW_MEMORY_GROWTH=1 \
    -sMAXIMUM_MEMORY=4GB --pre-js src/platform/web/node_fetch_fix.js \
    -sEXPORTED_FUNCTIONS=_malloc,_free,_cf_tsne_begin,_cf_tsne_iterate,_cf_tsne_coords,_cf_tsne_kl,_cf_tsne_total_iters,_cf_tsne_perplexity,_cf_tsne_end,_cf_error,_cf_pca_2d,_cf_trustworthiness \
    -sEXPORTED_RUNTIME_METHODS=HEAPF32,HEAPU8
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
BENCH=(--native "$OUT/bench_tsne" --wasm "$OUT/bench_tsne.js" --worker-module "$WORKER_MODULE" --work "$OUT"
       --dim "$DIM" --report "$REPORT" --command "nice -n 10 $CMDLINE")
for s in "${SETS[@]}"; do BENCH+=(--set "$s"); done
for s in "${NOTES[@]}"; do BENCH+=(--set-note "$s"); done
nice -n 10 $PY tools/bench/tsne/bench.py "${BENCH[@]}" "${PASS[@]}"
sed -n '1,/^<details>/p' "$REPORT"
