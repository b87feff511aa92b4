#!/usr/bin/env bash
# Peak memory of decoding + resampling + features for a 30-minute 48 kHz stereo Ogg Opus file,
# native and WASM (Node). Fails if either exceeds the budget. Writes docs/benchmarks/memory.md.
#   tools/measure_memory.sh [--budget-mb 200] [--report FILE]
# Needs build/native-release and build/wasm-release with the cuefinder-core target.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
budget_mb=200
report=""
while [ $# -gt 0 ]; do
  case $1 in
    --budget-mb) budget_mb=$2; shift ;;
    --report) report=$2; shift ;;
    *) echo "measure_memory: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
cache="${CF_CACHE_DIR:-$HOME/.cache/cuefinder}/fixtures"
mkdir -p "$cache"
long="$cache/long_30min_48k_stereo.opus"
if [ ! -s "$long" ]; then
  echo "measure_memory: encoding a 30-minute 48 kHz stereo Opus test file (once, cached in $cache)" >&2
  node "$ROOT/tools/gen_long_audio.mjs" 1800 48000 2 |
    opusenc --quiet --raw --raw-rate 48000 --raw-chan 2 --bitrate 96 - "$long.tmp"
  mv "$long.tmp" "$long"
fi

run() {  # run <label> <command...>: prints "label max_rss_mb json"
  local label=$1; shift
  local tlog json rss
  tlog=$(mktemp)
  json=$(/usr/bin/time -f '%M' -o "$tlog" "$@" features "$long")
  rss=$(( $(tail -n 1 "$tlog") / 1024 ))
  rm -f "$tlog"
  echo "$label $rss $json"
}
native=$(run native "$ROOT/build/native-release/src/cli/cuefinder-core")
wasm=$(NODE_PATH=/usr/share/nodejs run wasm node "$ROOT/build/wasm-release/src/cli/cuefinder-core.js")

fail=0
table=""
for line in "$native" "$wasm"; do
  read -r label rss json <<<"$line"
  heap=$(sed -E 's/.*"peak_memory_mb":([0-9.]+).*/\1/' <<<"$json")
  frames=$(sed -E 's/.*"n_frames":([0-9]+).*/\1/' <<<"$json")
  total=$(sed -E 's/.*"total_s":([0-9.]+).*/\1/' <<<"$json")
  table+="| $label | $rss | $heap | $frames | $total |"$'\n'
  echo "measure_memory: $label: peak RSS ${rss} MB (process), core-reported ${heap} MB, $frames frames, ${total} s" >&2
  if [ "$rss" -gt "$budget_mb" ]; then echo "measure_memory: $label peak RSS ${rss} MB exceeds ${budget_mb} MB" >&2; fail=1; fi
done

if [ -n "$report" ]; then
  mkdir -p "$(dirname "$report")"
  cat >"$report" <<MD
# Peak memory: decode + resample + features of a 30-minute 48 kHz stereo Ogg Opus file

Command: \`tools/measure_memory.sh --report docs/benchmarks/memory.md\` (part of \`./cuefinder test\`), $(date -u +%F).
Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, Node $(node --version).
Input: 1800 s synthetic music-like signal (tools/gen_long_audio.mjs), opusenc 96 kb/s, 48 kHz stereo.
Pipeline: \`cuefinder-core features FILE\` — streaming decode (opusfile), mono downmix, libsamplerate to 16 kHz,
musicnn mel frames kept in memory (all 112 501 × 96 floats = 43 MB). Budget: ${budget_mb} MB.

| build | peak RSS of the process, MB (/usr/bin/time) | core-reported peak, MB (native: max RSS; WASM: linear memory) | mel frames | wall s |
|---|---|---|---|---|
${table}
The WASM row's RSS includes Node itself (~40-50 MB).
MD
fi
exit $fail
