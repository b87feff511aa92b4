#!/usr/bin/env bash
# t-SNE benchmark: cuefinder native + cuefinder WASM (Node, one thread) + scikit-learn, in one run.
#
#   bash tools/bench/tsne/run.sh [--data FILE.f32 --dim D] [--large-n 10000] [--iterations 1000]
#                                [--init pca|random] [--report docs/benchmarks/tsne.md]
#
# Without --data the small set is a synthetic 400 x 200 mixture (tools/bench/tsne/gen_data.py); the
# large set is always jittered copies of the small one. Needs python3-sklearn (Debian), g++, em++ and
# node. Everything goes to build/bench-tsne/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$ROOT"
# Benchmark-only peer: scikit-learn's TSNE (Debian python3-sklearn), run with /usr/bin/python3.
if ! dpkg-query -W -f='${Status}' python3-sklearn 2>/dev/null | grep -q "install ok installed"; then
  $( [ "$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends python3-sklearn >/dev/null
fi
OUT="build/bench-tsne"
REPORT="docs/benchmarks/tsne.md"
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --report) REPORT="$2"; shift 2 ;;
    --data|--dim|--large-n|--iterations|--init|--perplexity|--repeat-small) ARGS+=("$1" "$2"); shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
export NODE_PATH=/usr/share/nodejs
/usr/bin/python3 -c 'import sklearn' 2>/dev/null || { echo "run.sh: needs python3-sklearn (apt-get install python3-sklearn)" >&2; exit 1; }
mkdir -p "$OUT"

# bench_tsne needs only the map module and Status from the core: compile those sources directly with
# the project's flags (fast, and independent of the audio libraries and of other build dirs).
CORE_SRC=(src/core/map/*.cpp src/core/common/status.cpp)
nice -n 10 g++ -std=c++20 -O2 -DNDEBUG -DCF_SIMD=1 -ffp-contract=off -I src tools/bench/tsne/bench_tsne.cpp \
  "${CORE_SRC[@]}" -o "$OUT/bench_tsne"
# WASM: the wasm-release preset's flags (SIMD128, -O3) and cmake/CuefinderNode.cmake's Node link flags.
nice -n 10 em++ -std=c++20 -O3 -DNDEBUG -DCF_SIMD=1 -msimd128 -ffp-contract=off -fexceptions -I src \
  tools/bench/tsne/bench_tsne.cpp "${CORE_SRC[@]}" -o "$OUT/bench_tsne.js" \
  -sENVIRONMENT=node -sEXIT_RUNTIME=1 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sNODERAWFS=1 \
  --pre-js src/platform/web/node_fetch_fix.js

nice -n 5 /usr/bin/python3 tools/bench/tsne/bench.py --native "$OUT/bench_tsne" --wasm "$OUT/bench_tsne.js" \
  --work "$OUT" --report "$REPORT" --command "bash tools/bench/tsne/run.sh${ARGS[*]:+ ${ARGS[*]}}" "${ARGS[@]}"
cat "$REPORT" | sed -n '1,/^Raw results/p'
