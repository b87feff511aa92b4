#!/usr/bin/env bash
# Search benchmark in one go: builds bench_search natively (with FAISS + hnswlib) and for WebAssembly
# (emscripten, SIMD128, one thread), runs the native pass (data, ground truth, every index; writes the
# compressed index per size), then the WASM pass under Node on the same files. Prints Markdown tables.
#
#   bash tools/bench/search/run.sh                                   # 10k, 100k, 1M
#   bash tools/bench/search/run.sh --sizes 10000,100000 --embeddings FILE.f32 --dim 200
#   node tools/bench/search/export_embeddings.mjs      # demo catalog → build/bench-search/demo_embeddings.f32
#   bash tools/bench/search/run.sh --embeddings build/bench-search/demo_embeddings.f32 --dim 200
#
# With --embeddings the rows are taken as real tracks (--data real: the tracks themselves plus
# jittered copies, --holdout tracks held out as queries, see bench_search.cpp); the golden default
# uses --data mix3 (convex mixes of 3 rows), as its 60 rows are patches of only two clips.
# CF_BENCH_OUT=DIR changes the output folder; CF_BENCH_NO_BUILD=1 reuses the binaries already built
# (build/native-release and build/wasm-release, target bench_search).
#   bash tools/bench/search/run.sh --smoke     # seconds: 2000 vectors, 20 queries, the binaries already
#                                              # built, no peers installed, output in build/bench-smoke/search
#
# Needs: the project's build (./cuefinder build), libfaiss-dev, libhnswlib-dev, libblas-dev/liblapack-dev (FAISS), emscripten, node.
# Seeds default to the musicnn embeddings in tests/data/golden (*msd_embedding*.f32 without "prerelu").
set -euo pipefail
# The body is one function, read whole before it runs: editing this file during a long run (bash
# otherwise reads scripts as it goes) cannot break the run.
main() {
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$here"
if [ "${1:-}" = --smoke ]; then
  shift
  CF_BENCH_NO_BUILD=1 CF_BENCH_OUT=build/bench-smoke/search smoke=1
  set -- --sizes 2000 --queries 20 "$@"
  # The native-debug build (made by ./cuefinder test) stands in when native-release has not been built.
  native_dir=build/native-release
  [ -x $native_dir/tools/bench/search/bench_search ] || native_dir=build/native-debug
  [ -x $native_dir/tools/bench/search/bench_search ] ||
    { echo "skip: needs build/native-release/tools/bench/search/bench_search (./cuefinder build native-release bench_search)"; exit 0; }
fi
# Benchmark-only peers (not needed by the build or the tests).
for p in libfaiss-dev libhnswlib-dev libblas-dev liblapack-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_pkgs="${missing_pkgs:-} $p"
done
if [ -n "${missing_pkgs:-}" ] && [ "${smoke:-0}" != 1 ]; then
  $( [ "$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends $missing_pkgs >/dev/null
fi
sizes=10000,100000,1000000
emb=""
dim=200
queries=200
data=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --embeddings) emb="$2"; shift 2 ;;
    --dim) dim="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --holdout|--jitter|--rerank|--hnsw-max|--pq-m|--nlist|--peers|--write-f32|--f16) extra+=("$1" "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$emb" ]; then
  emb="$(ls tests/data/golden/*msd_embedding*.f32 | grep -v prerelu | paste -sd, -)"
  data="${data:-mix3}"
fi
data="${data:-real}"
out="${CF_BENCH_OUT:-build/bench-search}"
mkdir -p "$out"
bin_native=${native_dir:-build/native-release}/tools/bench/search/bench_search
bin_wasm=build/wasm-release/tools/bench/search/bench_search.js

# The bench links the core library (tools/bench/search/CMakeLists.txt), built by the launcher in the
# presets' own build dirs (their flags: -O3, CF_SIMD, SIMD128 in WASM), each under its build lock.
if [ "${CF_BENCH_NO_BUILD:-0}" != 1 ]; then
echo "building native and wasm bench_search" >&2
./cuefinder build native-release bench_search >&2
./cuefinder build wasm-release bench_search >&2
fi
grep -q CF_BENCH_FAISS ${native_dir:-build/native-release}/compile_commands.json ||
  echo "warning: FAISS not found when build/native-release was configured: the native pass runs without it" >&2

echo "## native ($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
nice -n 10 "$bin_native" native --sizes "$sizes" --seeds "$emb" --dim "$dim" --queries "$queries" --out "$out" \
    --data "$data" ${extra[@]+"${extra[@]}"}
echo
echo "## wasm (node $(node --version), emscripten $(NODE_PATH=/usr/share/nodejs em++ --version | head -1 | grep -o '[0-9]*\.[0-9]*\.[0-9]*' | head -1), one thread, SIMD128)"
if [ "${smoke:-0}" = 1 ] && [ ! -f "$bin_wasm" ]; then
  echo "skip: the wasm pass needs $bin_wasm (./cuefinder build wasm-release bench_search)"; return 0
fi
nice -n 10 node "$bin_wasm" wasm --sizes "$sizes" --dim "$dim" --out "$out" ${extra[@]+"${extra[@]}"}
}
main "$@"
exit
