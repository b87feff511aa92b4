#!/usr/bin/env bash
# Labelled audio for the zero-shot tagging evaluation (issue 6). Not part of CI: run by hand.
#   bash tools/eval/zeroshot/make_set.sh            # make the clips + labels, then analyse every clip once
#   bash tools/eval/zeroshot/make_set.sh --no-analyze
# Writes to $CF_EVAL_CACHE/zeroshot (default ~/.cache/cuefinder/eval/zeroshot):
#   clips/*.opus, labels.json, vocabulary.json, midi/, mma/, analysis.jsonl (one `cuefinder analyze --json
#   --patch-embeddings` object per clip). Everything is cached; delete a file to redo it.
# Env: CF_ANALYZE_JOBS (default 2) parallel analysis processes (each single-threaded WASM), run with nice.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
OUT="${CF_EVAL_CACHE:-$HOME/.cache/cuefinder/eval}/zeroshot"
mkdir -p "$OUT"
t0=$(date +%s)

need=()
for p in fluidsynth mma fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small ffmpeg; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  echo "installing from Debian: ${need[*]}"
  apt-get install -y "${need[@]}"
else
  echo "Debian packages already installed: fluidsynth mma fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont-small ffmpeg"
fi

/usr/bin/python3 "$ROOT/tools/eval/zeroshot/make_set.py" "$OUT"
echo "set made in $(( $(date +%s) - t0 )) s"

if [[ "${1:-}" != "--no-analyze" ]]; then
  t1=$(date +%s)
  /usr/bin/python3 "$ROOT/tools/eval/zeroshot/analyze_set.py" "$OUT" "${CF_ANALYZE_JOBS:-2}"
  echo "analysed in $(( $(date +%s) - t1 )) s"
  /usr/bin/python3 "$ROOT/tools/eval/zeroshot/sanity.py" "$OUT"
fi
du -sh "$OUT"
